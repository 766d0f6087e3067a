package io.resettracer.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.bootstrap.StateField;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/** The class-file edit that adds the state field, on real class files. */
class StateFieldInjectorTest {

  /** Every kind of constant a class file of this JDK's compiler writes, and an interface. */
  public static final class Fixture implements Callable<String> {
    static final long BIG = 1L << 40;
    static final double HALF = 0.5;
    static final float THIRD = 1f / 3;
    static final int ODD = 123_456_789;

    @Override
    public String call() {
      Runnable r = () -> {};
      r.run();
      return "ok " + BIG + " " + HALF + " " + THIRD + " " + ODD + " " + List.of(1).size();
    }
  }

  @Test
  void aClassWithTheFieldLoadsAndWorksAsBefore() throws Exception {
    byte[] original = classFile(Fixture.class);
    byte[] withField = StateFieldInjector.withStateField(original);
    assertNotNull(withField);
    Class<?> defined = new DefiningLoader().define(Fixture.class.getName(), withField);
    Field f = defined.getDeclaredField(StateField.NAME);
    assertEquals(Object.class, f.getType());
    assertTrue(Modifier.isPrivate(f.getModifiers()) && Modifier.isTransient(f.getModifiers()));
    assertTrue(f.isSynthetic());
    @SuppressWarnings("unchecked")
    Callable<String> c = (Callable<String>) defined.getDeclaredConstructor().newInstance();
    assertEquals(new Fixture().call(), c.call());
  }

  @Test
  void theJdkSocketClassesGetOneFieldMoreAndNothingElseChanges() throws Exception {
    for (String name : List.of("sun.nio.ch.NioSocketImpl", "sun.nio.ch.SocketChannelImpl")) {
      byte[] original = classFile(Class.forName(name, false, null));
      byte[] withField = StateFieldInjector.withStateField(original);
      assertNotNull(withField, name);
      List<String> before = members(original);
      List<String> after = members(withField);
      assertEquals(before.size() + 1, after.size(), name);
      assertTrue(after.contains("field " + StateField.NAME + " Ljava/lang/Object;"), name);
      after.remove("field " + StateField.NAME + " Ljava/lang/Object;");
      assertEquals(before, after, name);
    }
  }

  @Test
  void aClassThatHasTheFieldAlreadyIsLeftAlone() throws IOException {
    byte[] once = StateFieldInjector.withStateField(classFile(Fixture.class));
    assertNull(StateFieldInjector.withStateField(once), "a duplicate field would not load");
  }

  @Test
  void onlyTheTwoSocketClassesAsTheBootLoaderDefinesThemAreChanged() throws Exception {
    byte[] bytes = classFile(Class.forName("sun.nio.ch.NioSocketImpl", false, null));
    StateFieldInjector injector = new StateFieldInjector();
    assertNotNull(injector.transform(null, "sun/nio/ch/NioSocketImpl", null, null, bytes));
    assertNull(injector.transform(null, "sun/nio/ch/IOUtil", null, null, bytes));
    assertNull(
        injector.transform(getClass().getClassLoader(), "sun/nio/ch/NioSocketImpl", null, null, bytes),
        "a look-alike from another loader");
    assertNull(
        injector.transform(null, "sun/nio/ch/NioSocketImpl", Object.class, null, bytes),
        "retransformation: the class's shape cannot change");
    byte[] truncated = new byte[40];
    System.arraycopy(bytes, 0, truncated, 0, truncated.length);
    assertNull(injector.transform(null, "sun/nio/ch/NioSocketImpl", null, null, truncated));
  }

  private static List<String> members(byte[] classFile) {
    List<String> out = new ArrayList<>();
    new ClassReader(classFile)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public FieldVisitor visitField(
                  int access, String name, String descriptor, String signature, Object value) {
                out.add("field " + name + " " + descriptor);
                return null;
              }

              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String descriptor, String signature, String[] ex) {
                out.add("method " + name + descriptor);
                return null;
              }
            },
            0);
    return out;
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private static final class DefiningLoader extends ClassLoader {
    DefiningLoader() {
      super(StateFieldInjectorTest.class.getClassLoader());
    }

    Class<?> define(String name, byte[] bytes) {
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
