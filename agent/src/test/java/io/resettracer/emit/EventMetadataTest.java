package io.resettracer.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.classify.Verdict;
import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.RequestDelivery;
import io.resettracer.model.Role;
import io.resettracer.model.Stage;
import io.resettracer.model.Transport;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Description;
import jdk.jfr.Name;
import org.junit.jupiter.api.Test;

/**
 * The events' descriptions name every value their fields take: a new transport, failure kind,
 * operation, role or verdict without its word in the metadata fails here, not in an operator's JMC.
 */
class EventMetadataTest {

  private static String description(Class<?> event, String field) throws Exception {
    Description d = event.getDeclaredField(field).getAnnotation(Description.class);
    assertTrue(d != null, field + " has a description");
    return d.value();
  }

  private static void namesEvery(Class<?> event, String field, List<String> values)
      throws Exception {
    String text = description(event, field);
    for (String v : values) {
      assertTrue(text.contains(v), field + "'s description names \"" + v + "\": " + text);
    }
  }

  @Test
  void theResetEventNamesEveryValueOfItsFields() throws Exception {
    namesEvery(ConnectionResetEvent.class, "transport",
        Arrays.stream(Transport.values()).map(Transport::label).collect(Collectors.toList()));
    namesEvery(ConnectionResetEvent.class, "failure",
        Arrays.stream(FailureKind.values()).map(FailureKind::label).collect(Collectors.toList()));
    namesEvery(ConnectionResetEvent.class, "operation",
        Arrays.stream(Operation.values()).map(Operation::label).collect(Collectors.toList()));
    namesEvery(ConnectionResetEvent.class, "role",
        Arrays.stream(Role.values()).map(Role::label).collect(Collectors.toList()));
    namesEvery(ConnectionResetEvent.class, "stage",
        Arrays.stream(Stage.values()).map(Stage::label).collect(Collectors.toList()));
    namesEvery(ConnectionResetEvent.class, "requestDelivered",
        Arrays.stream(RequestDelivery.values()).map(RequestDelivery::label)
            .collect(Collectors.toList()));
    namesEvery(ConnectionResetEvent.class, "verdict",
        Arrays.stream(Verdict.values()).map(Verdict::name).collect(Collectors.toList()));
  }

  @Test
  void theIncidentEventNamesEveryVerdict() throws Exception {
    namesEvery(ResetIncidentEvent.class, "verdict",
        Arrays.stream(Verdict.values()).map(Verdict::name).collect(Collectors.toList()));
  }

  @Test
  void bothEventsCarryTheIdThatLinksThem() throws Exception {
    assertEquals(long.class, ConnectionResetEvent.class.getDeclaredField("incidentId").getType());
    assertEquals(long.class, ResetIncidentEvent.class.getDeclaredField("incidentId").getType());
    assertEquals("resettracer.ConnectionReset",
        ConnectionResetEvent.class.getAnnotation(Name.class).value());
  }
}
