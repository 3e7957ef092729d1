package io.mcpauth.core.authserver.users;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Provider;
import java.security.Security;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.SecretKeyFactorySpi;
import javax.crypto.spec.PBEKeySpec;

/**
 * The PBKDF2 derivations a piece of code runs, seen through the JCA: a provider put first in line
 * for PBKDF2WithHmacSHA256 records each iteration count and hands the work to the JDK's own. What
 * is asserted is the work done, not how long it took.
 */
final class Pbkdf2Runs {

  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final List<Integer> ITERATIONS = Collections.synchronizedList(new ArrayList<>());

  private Pbkdf2Runs() {}

  interface Work {
    void run() throws Exception;
  }

  /** The iteration count of every derivation {@code work} ran, in order. */
  static synchronized List<Integer> of(Work work) throws Exception {
    Provider recorder = new Recorder();
    ITERATIONS.clear();
    Security.insertProviderAt(recorder, 1);
    try {
      work.run();
      return List.copyOf(ITERATIONS);
    } finally {
      Security.removeProvider(recorder.getName());
    }
  }

  private static final class Recorder extends Provider {
    Recorder() {
      super("mcpauth-test-pbkdf2-recorder", "1", "records PBKDF2 iteration counts");
      putService(new Service(this, "SecretKeyFactory", ALGORITHM, Spi.class.getName(), null, null));
    }
  }

  public static final class Spi extends SecretKeyFactorySpi {
    private final SecretKeyFactory jdk;

    public Spi() throws GeneralSecurityException {
      jdk = SecretKeyFactory.getInstance(ALGORITHM, "SunJCE");
    }

    @Override
    protected SecretKey engineGenerateSecret(KeySpec spec) throws InvalidKeySpecException {
      if (spec instanceof PBEKeySpec pbe) {
        ITERATIONS.add(pbe.getIterationCount());
      }
      return jdk.generateSecret(spec);
    }

    @Override
    protected KeySpec engineGetKeySpec(SecretKey key, Class<?> keySpec) throws InvalidKeySpecException {
      return jdk.getKeySpec(key, keySpec);
    }

    @Override
    protected SecretKey engineTranslateKey(SecretKey key) throws InvalidKeyException {
      return jdk.translateKey(key);
    }
  }
}
