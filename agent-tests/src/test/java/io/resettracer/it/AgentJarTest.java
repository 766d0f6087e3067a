package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.it.support.ChildJvm;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.Test;

/** The shipped jar: self-contained, relocated, with the manifest an agent needs. */
class AgentJarTest {

  @Test
  void manifestDeclaresEveryEntryPoint() throws IOException {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals("io.resettracer.agent.AgentMain", main.getValue("Premain-Class"));
      assertEquals("io.resettracer.agent.AgentMain", main.getValue("Agent-Class"));
      assertEquals("io.resettracer.agent.AgentMain", main.getValue("Main-Class"));
      assertEquals("true", main.getValue("Can-Retransform-Classes"));
    }
  }

  @Test
  void everythingIsUnderTheProjectsOwnPackage() throws IOException {
    List<String> strays = new ArrayList<>();
    int shadedByteBuddy = 0;
    int shadedSlf4j = 0;
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      for (JarEntry e : java.util.Collections.list(jar.entries())) {
        String n = e.getName();
        if (n.startsWith("io/resettracer/shaded/bytebuddy/")) {
          shadedByteBuddy++;
        } else if (n.startsWith("io/resettracer/shaded/slf4j/")) {
          shadedSlf4j++;
        } else if (!(n.startsWith("io/resettracer/") || n.startsWith("META-INF/") || n.equals("io/"))) {
          strays.add(n);
        }
        if (n.endsWith(".class") && (n.startsWith("net/") || n.startsWith("org/")
            || n.startsWith("META-INF/versions/"))) {
          strays.add(n);
        }
      }
    }
    assertEquals(List.of(), strays, "unrelocated entries would clash with the application's");
    assertTrue(shadedByteBuddy > 100, "Byte Buddy relocated");
    assertTrue(shadedSlf4j > 10, "slf4j relocated");
  }

  @Test
  void hooksShipOnlyInTheNestedBootstrapJar() throws IOException {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      assertEquals(null, jar.getEntry("io/resettracer/bootstrap/ResetTracerHooks.class"),
          "a top-level copy could be defined by the application's class loader");
      JarEntry nested = jar.getJarEntry("META-INF/reset-tracer/bootstrap.jar");
      assertNotNull(nested);
      List<String> names = new ArrayList<>();
      try (JarInputStream in = new JarInputStream(jar.getInputStream(nested))) {
        for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
          if (e.getName().endsWith(".class")) {
            names.add(e.getName());
          }
        }
      }
      assertTrue(names.contains("io/resettracer/bootstrap/ResetTracerHooks.class"), names.toString());
      assertTrue(names.stream().allMatch(n -> n.startsWith("io/resettracer/bootstrap/")), names.toString());
    }
  }

  @Test
  void entryPointLoadsOnAnyJavaSoTooOldAJdkGetsAClearLine() throws IOException {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile());
        InputStream in = jar.getInputStream(jar.getEntry("io/resettracer/agent/AgentMain.class"))) {
      DataInputStream data = new DataInputStream(in);
      assertEquals(0xCAFEBABE, data.readInt());
      data.readUnsignedShort();
      assertEquals(52, data.readUnsignedShort(), "AgentMain must be Java 8 bytecode");
    }
  }

  @Test
  void carriesItsLicenceAndThoseOfWhatItShades() throws IOException {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      for (String name : List.of("reset-tracer-LICENSE", "NOTICE", "ASM", "SLF4J")) {
        JarEntry e = jar.getJarEntry("META-INF/licenses/" + name);
        assertNotNull(e, "META-INF/licenses/" + name);
        assertTrue(e.getSize() > 100, name + " has its text");
      }
    }
  }
}
