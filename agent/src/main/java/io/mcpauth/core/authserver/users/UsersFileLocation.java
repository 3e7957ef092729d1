package io.mcpauth.core.authserver.users;

import io.mcpauth.core.config.ConfigKey;
import io.mcpauth.core.config.ConfigSources;
import java.nio.file.Path;

/** Where the users file is: {@code mcpauth.as.users}, else {@code users} in {@code mcpauth.as.data}. */
public final class UsersFileLocation {

  private UsersFileLocation() {}

  public static Path of(ConfigSources sources) {
    String users = sources.get(ConfigKey.AS_USERS);
    if (users != null && !users.isBlank()) {
      return toPath(users.strip());
    }
    String data = sources.get(ConfigKey.AS_DATA);
    if (data == null || data.isBlank()) {
      data = ConfigKey.AS_DATA.defaultValue();
    }
    return toPath(data.strip()).resolve("users");
  }

  /**
   * Absolute, as the server shows it. A leading {@code ~} is the user's home, as a shell would have
   * it: the data default is {@code ~/.mcpauth}.
   */
  public static Path toPath(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    return Path.of(path).toAbsolutePath().normalize();
  }
}
