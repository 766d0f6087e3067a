package io.resettracer.jmc;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.common.util.TypedPreference;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.IResultValueProvider;
import org.openjdk.jmc.flightrecorder.rules.IRule;
import org.openjdk.jmc.flightrecorder.rules.ResultBuilder;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;
import org.openjdk.jmc.flightrecorder.rules.util.JfrRuleTopics;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit.EventAvailability;

/**
 * JMC's automated analysis of a recording's connection resets, from the reset-tracer agent's
 * events: the score rises with the reset rate, is held to INFO while the causes are unknown, and is
 * at least a warning when the agent judged a burst of resets as one incident with a known cause.
 * The text says, per verdict, what happened and what to change, with the recording's numbers.
 *
 * <p>Every result carries a score, including those that only say there is nothing to judge:
 * JfrRulesReport's JSON format writes {@code "score": ,} for a result without one.
 */
public final class ResetRule implements IRule {

  static final String ID = "ResetTracerConnectionResets";

  public static final TypedPreference<IQuantity> RATE_INFO_LIMIT = new TypedPreference<>(
      "resettracer.resets.rate.info", "Reset rate for information",
      "Connection resets per minute that score 25 (information)", UnitLookup.NUMBER,
      UnitLookup.NUMBER_UNITY.quantity(0.1));
  public static final TypedPreference<IQuantity> RATE_WARNING_LIMIT = new TypedPreference<>(
      "resettracer.resets.rate.warning", "Reset rate for warning",
      "Connection resets per minute that score 75 (warning), when their causes are known",
      UnitLookup.NUMBER, UnitLookup.NUMBER_UNITY.quantity(1));

  public static final TypedResult<IQuantity> RESETS = new TypedResult<>("resets", "Resets",
      "Connection resets recorded", UnitLookup.NUMBER, IQuantity.class);
  public static final TypedResult<IQuantity> RESETS_PER_MINUTE = new TypedResult<>(
      "resetsPerMinute", "Resets per minute", "Connection resets per minute of recording",
      UnitLookup.NUMBER, IQuantity.class);
  public static final TypedResult<IQuantity> KNOWN_CAUSES = new TypedResult<>("knownCauses",
      "Known causes", "Share of the resets the agent attributed to a cause",
      UnitLookup.PERCENTAGE, IQuantity.class);
  public static final TypedResult<IQuantity> INCIDENTS = new TypedResult<>("incidents",
      "Incidents", "Bursts of resets the agent judged together", UnitLookup.NUMBER,
      IQuantity.class);

  private static final List<TypedPreference<?>> PREFERENCES =
      List.of(RATE_INFO_LIMIT, RATE_WARNING_LIMIT);
  private static final List<TypedResult<?>> RESULTS =
      List.of(TypedResult.SCORE, RESETS, RESETS_PER_MINUTE, KNOWN_CAUSES, INCIDENTS);

  private static final String NOT_RECORDED_SOLUTION = "Start the JVM with "
      + "-javaagent:reset-tracer.jar (or attach the agent to it: java -jar reset-tracer.jar "
      + "attach PID) and record again: every connection reset then gets an event with its cause.";

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public String getName() {
    return "Connection Resets (reset-tracer)";
  }

  @Override
  public String getTopic() {
    return JfrRuleTopics.SOCKET_IO;
  }

  /** None: without the agent's events the rule still runs, to say that they are missing. */
  @Override
  public Map<String, EventAvailability> getRequiredEvents() {
    return Map.of();
  }

  @Override
  public Collection<TypedPreference<?>> getConfigurationAttributes() {
    return PREFERENCES;
  }

  @Override
  public Collection<TypedResult<?>> getResults() {
    return RESULTS;
  }

  @Override
  public RunnableFuture<IResult> createEvaluation(IItemCollection items,
      IPreferenceValueProvider preferences, IResultValueProvider dependencyResults) {
    return new FutureTask<>(() -> evaluate(items, preferences));
  }

  IResult evaluate(IItemCollection items, IPreferenceValueProvider preferences) {
    long span = recordingSpanNanos(items);
    EventAvailability resets = RulesToolkit.getEventAvailability(items, RecordedResets.RESET_TYPE);
    EventAvailability incidents =
        RulesToolkit.getEventAvailability(items, RecordedResets.INCIDENT_TYPE);
    if (resets == EventAvailability.AVAILABLE || incidents == EventAvailability.AVAILABLE) {
      return judge(items, preferences, span);
    }
    if (resets == EventAvailability.DISABLED) {
      return result(preferences, Severity.INFO, 25,
          "Connection reset events were disabled in this recording: resets, if any, were not "
              + "recorded.",
          "The reset-tracer agent was loaded, but the recording's settings turned its "
              + RecordedResets.RESET_TYPE + " event off.",
          "Record with the event enabled (it is on in the default and profile settings).");
    }
    if (resets == EventAvailability.UNKNOWN) {
      return result(preferences, Severity.OK, 0,
          "No reset-tracer events in this recording: the JVM ran without the reset-tracer "
              + "agent, so its connection resets are not explained here.",
          "The recording knows no " + RecordedResets.RESET_TYPE + " event type: the agent was "
              + "not loaded while it was recorded.",
          NOT_RECORDED_SOLUTION);
    }
    return result(preferences, Severity.OK, 0,
        "No connection reset in " + Text.duration(span) + ": the reset-tracer agent was "
            + "recording and saw none.",
        "The agent records one event per connection that is reset, broken or timed out; this "
            + "recording has none.",
        "Nothing to change.");
  }

  private IResult judge(IItemCollection items, IPreferenceValueProvider preferences, long span) {
    ResetAnalysis.Thresholds thresholds = new ResetAnalysis.Thresholds(
        preferences.getPreferenceValue(RATE_INFO_LIMIT).doubleValue(),
        preferences.getPreferenceValue(RATE_WARNING_LIMIT).doubleValue());
    ResetAnalysis a = new ResetAnalysis(RecordedResets.read(items), span, thresholds);
    if (a.resets == 0) {
      // Incidents without their resets: the reset events were filtered out or disabled.
      return result(preferences, Severity.INFO, 25,
          Text.plural(a.incidents.size(), "reset incident", "reset incidents")
              + " but no connection reset event in this recording.",
          "The recording's settings may have turned " + RecordedResets.RESET_TYPE + " off.",
          "Record with the event enabled.");
    }
    return ResultBuilder.createFor(this, preferences)
        .setSeverity(Severity.get(a.score))
        .setSummary(a.summary)
        .setExplanation(a.explanation)
        .setSolution(a.solution)
        .addResult(TypedResult.SCORE, UnitLookup.NUMBER_UNITY.quantity(a.score))
        .addResult(RESETS, UnitLookup.NUMBER_UNITY.quantity(a.resets))
        .addResult(RESETS_PER_MINUTE, UnitLookup.NUMBER_UNITY.quantity(a.perMinute))
        .addResult(KNOWN_CAUSES, UnitLookup.PERCENT.quantity(a.knownShare * 100))
        .addResult(INCIDENTS, UnitLookup.NUMBER_UNITY.quantity(a.incidents.size()))
        .build();
  }

  private IResult result(IPreferenceValueProvider preferences, Severity severity, double score,
      String summary, String explanation, String solution) {
    return ResultBuilder.createFor(this, preferences)
        .setSeverity(severity)
        .setSummary(summary)
        .setExplanation(explanation)
        .setSolution(solution)
        .addResult(TypedResult.SCORE, UnitLookup.NUMBER_UNITY.quantity(score))
        .build();
  }

  /** From the recording's first event to its last; 0 when it has none. */
  private static long recordingSpanNanos(IItemCollection items) {
    IQuantity first = RulesToolkit.getEarliestStartTime(items);
    IQuantity last = RulesToolkit.getLatestEndTime(items);
    if (first == null || last == null) {
      return 0;
    }
    return Math.max(0, last.subtract(first).clampedLongValueIn(UnitLookup.NANOSECOND));
  }
}
