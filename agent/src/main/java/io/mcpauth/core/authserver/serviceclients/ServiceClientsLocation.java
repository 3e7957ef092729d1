package io.mcpauth.core.authserver.serviceclients;

import io.mcpauth.core.authserver.users.UsersFileLocation;
import io.mcpauth.core.config.ConfigKey;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.text.Ascii;
import java.nio.file.Path;

/**
 * Where the service-clients file is: {@code mcpauth.as.service-clients}, else {@code service-clients}
 * in {@code mcpauth.as.data}. Never {@code clients.json}: the running server rewrites that file on
 * every registration, and a second writer would lose its changes or the server's.
 */
public final class ServiceClientsLocation {

  private ServiceClientsLocation() {}

  public static Path of(ConfigSources sources) {
    String file = sources.get(ConfigKey.AS_SERVICE_CLIENTS);
    if (file != null && !Ascii.isBlank(file)) {
      return UsersFileLocation.toPath(Ascii.trim(file));
    }
    String data = sources.get(ConfigKey.AS_DATA);
    if (data == null || Ascii.isBlank(data)) {
      data = ConfigKey.AS_DATA.defaultValue();
    }
    return UsersFileLocation.toPath(Ascii.trim(data)).resolve("service-clients");
  }
}
