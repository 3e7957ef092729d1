package io.mcpauth.core.authserver.users;

import io.mcpauth.core.config.ConfigKey;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.text.Ascii;
import java.nio.file.Path;

/** Where the users file is: {@code mcpauth.as.users}, else {@code users} in {@code mcpauth.as.data}. */
public final class UsersFileLocation {

  private UsersFileLocation() {}

  public static Path of(ConfigSources sources) {
    String users = sources.get(ConfigKey.AS_USERS);
    if (users != null && !Ascii.isBlank(users)) {
      return toPath(Ascii.trim(users));
    }
    String data = sources.get(ConfigKey.AS_DATA);
    if (data == null || Ascii.isBlank(data)) {
      data = ConfigKey.AS_DATA.defaultValue();
    }
    return toPath(Ascii.trim(data)).resolve("users");
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
