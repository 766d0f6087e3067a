package io.resettracer.instrument;

import io.resettracer.bootstrap.StateField;
import io.resettracer.log.AgentLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.auxiliary.AuxiliaryType;
import net.bytebuddy.implementation.bytecode.constant.NullConstant;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;
import org.slf4j.Logger;

/**
 * Inlines the advice into a JDK class's bytes with Byte Buddy. Built once, on first need or ahead of
 * it on a background thread, because loading Byte Buddy is the agent's largest start-up cost.
 *
 * <p>The weaving never changes a class's shape (no fields, no methods): retransformation after an
 * attach, and JFR's own retransformation of socket classes on JDK 17, both require that. The one
 * field the agent adds, {@link StateField}, is added by the {@link StateFieldInjector} when the class
 * is defined; the advice reads it where the class has it.
 */
final class Weaver {

  private static final Logger log = AgentLog.get(Weaver.class);

  private final ClassFileLocator agentClasses =
      ClassFileLocator.ForClassLoader.of(Weaver.class.getClassLoader());
  /** By binary name; a library's by its unrelocated name (see {@link InstrumentedTypes}). */
  private final Map<String, List<AdviceBinding>> bindings =
      Map.ofEntries(
          Map.entry(NioSocketImplInstrumentation.TYPE, NioSocketImplInstrumentation.bindings()),
          Map.entry(SocketChannelImplInstrumentation.TYPE,
              SocketChannelImplInstrumentation.bindings()),
          Map.entry(ServerSocketChannelImplInstrumentation.TYPE,
              ServerSocketChannelImplInstrumentation.bindings()),
          Map.entry(AsyncSocketChannelInstrumentation.TYPE,
              AsyncSocketChannelInstrumentation.bindings()),
          Map.entry(AsyncSocketChannelInstrumentation.SERVER_TYPE,
              AsyncSocketChannelInstrumentation.serverBindings()),
          Map.entry(IoUtilInstrumentation.TYPE, IoUtilInstrumentation.bindings()),
          Map.entry(SslEngineImplInstrumentation.TYPE, SslEngineImplInstrumentation.bindings()),
          Map.entry(NettyUnixInstrumentation.FILE_DESCRIPTOR,
              NettyUnixInstrumentation.fileDescriptorBindings()),
          Map.entry(NettyUnixInstrumentation.SOCKET, NettyUnixInstrumentation.socketBindings()),
          Map.entry(NettyUnixInstrumentation.CHILD_CHANNEL,
              NettyUnixInstrumentation.childChannelBindings()),
          Map.entry(NettyUnixInstrumentation.KQUEUE_CHILD_CHANNEL,
              NettyUnixInstrumentation.kqueueChildChannelBindings()),
          Map.entry(NettyIoUringInstrumentation.CHANNEL,
              NettyIoUringInstrumentation.channelBindings()),
          Map.entry(NettyIoUringInstrumentation.UNSAFE,
              NettyIoUringInstrumentation.unsafeBindings()),
          Map.entry(NettyIoUringInstrumentation.STREAM_UNSAFE,
              NettyIoUringInstrumentation.streamUnsafeBindings()),
          Map.entry(NettyIoUringInstrumentation.SOCKET_CHANNEL,
              NettyIoUringInstrumentation.socketChannelBindings()),
          Map.entry(NettyIoUringInstrumentation.ABSTRACT_UNSAFE,
              NettyIoUringInstrumentation.abstractUnsafeBindings()));
  /** Per advice class: [0] for classes without the state field, [1] for classes with it. */
  private final Map<Class<?>, Advice[]> advice = new ConcurrentHashMap<>();
  /** "type#method" for bindings already reported missing, so each is logged once. */
  private final Map<String, Boolean> reportedMissing = new ConcurrentHashMap<>();

  /**
   * Returns the woven bytes, or null if nothing in {@code className} matched. {@code loaded} is the
   * class when it is being retransformed: describing it by reflection is much cheaper than parsing
   * its class file again. {@code loader} defined the class (null: the boot loader); the types its
   * methods name are looked up there.
   */
  byte[] weave(String className, byte[] classFile, Class<?> loaded, ClassLoader loader) {
    String bound = loader == null ? className : InstrumentedTypes.canonicalLibraryName(className);
    List<AdviceBinding> forType = bound == null ? null : bindings.get(bound);
    if (forType == null) {
      return null;
    }
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(className, classFile),
            loader == null
                ? ClassFileLocator.ForClassLoader.ofBootLoader()
                : ClassFileLocator.ForClassLoader.of(loader));
    TypePool pool = TypePool.Default.of(locator);
    TypeDescription type =
        loaded != null ? TypeDescription.ForLoadedType.of(loaded) : pool.describe(className).resolve();
    FieldList<FieldDescription.InDefinedShape> stateField =
        type.getDeclaredFields().filter(ElementMatchers.named(StateField.NAME));
    FieldDescription field = stateField.isEmpty() ? null : stateField.getOnly();
    AsmVisitorWrapper.ForDeclaredMethods wrapper = new AsmVisitorWrapper.ForDeclaredMethods();
    int applied = 0;
    for (AdviceBinding b : forType) {
      if (type.getDeclaredMethods().filter(b.matcher()).isEmpty()) {
        if (reportedMissing.putIfAbsent(className + "#" + b.method(), Boolean.TRUE) == null) {
          if (loader == null) {
            log.warn(
                "{}.{} not found on this JDK ({}); that path is not traced",
                className, b.method(), Runtime.version());
          } else {
            log.warn("{}.{} not found in this version of the library; that path is not traced",
                className, b.method());
          }
        }
        continue;
      }
      wrapper = wrapper.invokable(b.matcher(), adviceFor(b.advice(), field));
      applied++;
    }
    return applied == 0 ? null : rewrite(classFile, type, pool, wrapper);
  }

  /**
   * Runs the advice over the class with ASM directly. Byte Buddy's full type-creation pipeline would
   * do the same work after loading several hundred more classes, on the application's start-up path.
   */
  private static byte[] rewrite(
      byte[] classFile,
      TypeDescription type,
      TypePool pool,
      AsmVisitorWrapper.ForDeclaredMethods wrapper) {
    ClassReader reader = new ClassReader(classFile);
    int writerFlags = wrapper.mergeWriter(0);
    int readerFlags = wrapper.mergeReader(0);
    // Sharing the reader's constant pool keeps unchanged methods byte for byte.
    ClassWriter writer = new ClassWriter(reader, writerFlags);
    // Disabled: the advice may not add fields or methods, so the class shape never changes.
    ClassFileVersion version = ClassFileVersion.ofClassFile(classFile);
    Implementation.Context context =
        Implementation.Context.Disabled.Factory.INSTANCE.make(
            type,
            new AuxiliaryType.NamingStrategy.Suffixing("resettracer"),
            TypeInitializer.None.INSTANCE,
            version,
            version,
            (readerFlags & ClassReader.EXPAND_FRAMES) != 0
                ? Implementation.Context.FrameGeneration.EXPAND
                : Implementation.Context.FrameGeneration.GENERATE);
    ClassVisitor visitor =
        wrapper.wrap(
            type, writer, context, pool, type.getDeclaredFields(), type.getDeclaredMethods(),
            writerFlags, readerFlags);
    reader.accept(visitor, readerFlags);
    return writer.toByteArray();
  }

  /**
   * Loads Byte Buddy and parses the JDK classes' advice, so the first real weave is quick. The
   * first socket class an application meets is almost always {@code NioSocketImpl}, and it waits
   * for this: its advice comes first, in the shape it has when it loads after the agent, with the
   * state field. The classes that get that field have their advice parsed at their first weave
   * instead of here: which shape they need is only known then (without the field after an attach,
   * where the weave runs on the attach thread and no application thread waits for it). Library
   * advice (Netty) is parsed when a library class loads.
   */
  void warmUp() {
    byte[] sample = bootClassFile(NioSocketImplInstrumentation.TYPE);
    if (sample != null) {
      byte[] withField = StateFieldInjector.withStateField(sample);
      weave(NioSocketImplInstrumentation.TYPE, withField != null ? withField : sample, null, null);
    }
    for (String type : InstrumentedTypes.NAMES) {
      if (InstrumentedTypes.hasStateField(type.replace('.', '/'))) {
        continue;
      }
      for (AdviceBinding b : bindings.get(type)) {
        adviceFor(b.advice(), null);
      }
    }
  }

  /**
   * The advice, with its {@link StateFieldValue} parameter bound to {@code stateField}, or to null
   * when the class has no such field. Parsed once per advice class and shape.
   */
  private Advice adviceFor(Class<?> adviceClass, FieldDescription stateField) {
    Advice[] shapes = advice.computeIfAbsent(adviceClass, c -> new Advice[2]);
    int shape = stateField == null ? 0 : 1;
    Advice a = shapes[shape];
    if (a == null) {
      Advice.WithCustomMapping mapping =
          stateField == null
              ? Advice.withCustomMapping()
                  .bind(StateFieldValue.class, NullConstant.INSTANCE, Object.class)
              : Advice.withCustomMapping().bind(StateFieldValue.class, stateField);
      shapes[shape] = a = mapping.to(TypeDescription.ForLoadedType.of(adviceClass), agentClasses);
    }
    return a;
  }

  private static byte[] bootClassFile(String className) {
    try {
      return ClassFileLocator.ForClassLoader.ofBootLoader().locate(className).resolve();
    } catch (Exception | LinkageError e) {
      return null;
    }
  }
}
