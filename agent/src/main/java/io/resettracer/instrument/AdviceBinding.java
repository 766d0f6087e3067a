package io.resettracer.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One piece of advice and the methods of a JDK class it applies to.
 *
 * <p>All advice runs at method exit. Exit advice that reads no argument says
 * {@code backupArguments = false}: by default Byte Buddy copies every argument to a new local at
 * method entry so that exit advice sees the original values, which made the JDK methods larger
 * than they need be ({@code NioSocketImpl.read}: 95 bytes of bytecode, 170 woven, 144 without the
 * copies), and the JIT's inlining decisions follow the size.
 *
 * @param method how the method reads in a log line, e.g. {@code read(byte[],int,int)}
 * @param matcher the exact methods the advice applies to
 * @param advice the advice class (static, inlined; only JDK types and the bootstrap hooks)
 */
record AdviceBinding(
    String method, ElementMatcher<? super MethodDescription> matcher, Class<?> advice) {}
