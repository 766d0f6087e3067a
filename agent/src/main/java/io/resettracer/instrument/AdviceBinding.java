package io.resettracer.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One piece of advice and the methods of a JDK class it applies to.
 *
 * @param method how the method reads in a log line, e.g. {@code read(byte[],int,int)}
 * @param matcher the exact methods the advice applies to
 * @param advice the advice class (static, inlined; only JDK types and the bootstrap hooks)
 */
record AdviceBinding(
    String method, ElementMatcher<? super MethodDescription> matcher, Class<?> advice) {}
