package io.resettracer.instrument;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an advice parameter to the connection's {@link io.resettracer.bootstrap.StateField}, read
 * only, or to null in a class loaded without one. The {@link Weaver} decides per class.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@interface StateFieldValue {}
