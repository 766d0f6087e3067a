package io.resettracer.agent;

/** The agent's version, from the jar's manifest ("dev" when run from classes). */
public final class AgentVersion {

  private AgentVersion() {}

  public static String get() {
    String v = AgentVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
