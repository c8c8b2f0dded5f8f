package org.nsvpn.agentplugin.metrics;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code /readyz} checks: each check names a part of the agent and says whether it works, with
 * a short reason when it does not.
 */
public interface Readiness {

  /** One check's outcome. */
  record Check(boolean ok, String detail) {
    public static Check ok(String detail) {
      return new Check(true, detail);
    }

    public static Check failing(String detail) {
      return new Check(false, detail);
    }
  }

  /** Every check, by name, evaluated now. */
  Map<String, Check> checks();

  /** A readiness made of named suppliers, evaluated in order at each request. */
  static Readiness of(Map<String, Supplier<Check>> checks) {
    return () -> {
      Map<String, Check> out = new java.util.LinkedHashMap<>();
      checks.forEach((name, check) -> out.put(name, check.get()));
      return out;
    };
  }
}
