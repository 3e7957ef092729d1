package io.mcpauth.core.doctor;

import java.io.PrintStream;

/**
 * One line per check: {@code ok}, {@code FAIL} with the fix, or {@code skip} with why. Counts the
 * failures for the exit status. Nothing printed here may carry a token or a secret: callers pass
 * only configured values, URLs, reason texts and the claims a user needs (iss, aud, typ, alg, kid, times).
 */
final class DoctorOutput {

  private final PrintStream out;
  private int failures;

  DoctorOutput(PrintStream out) {
    this.out = out;
  }

  void ok(String check, String detail) {
    out.println("ok    " + check + ": " + detail);
  }

  void fail(String check, String problem, String fix) {
    failures++;
    out.println("FAIL  " + check + ": " + problem + (fix == null ? "" : "\n      fix: " + fix));
  }

  void skip(String check, String why) {
    out.println("skip  " + check + ": " + why);
  }

  void note(String text) {
    out.println("      " + text);
  }

  int failures() {
    return failures;
  }
}
