package io.mcpauth.tests.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** For test classes that share one test identity provider across their tests. */
public abstract class WithIdentityProvider {

  protected static TestIdentityProvider idp;

  @BeforeAll
  static void startIdentityProvider() {
    idp = TestIdentityProvider.start();
  }

  @AfterAll
  static void stopIdentityProvider() {
    idp.close();
  }
}
