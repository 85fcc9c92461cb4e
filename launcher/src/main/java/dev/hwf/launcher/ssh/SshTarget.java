package dev.hwf.launcher.ssh;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.OpenSSHConfig;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.Home;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.workflow.Site;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and as whom hwf logs in: a workflow's {@code site:} keys completed from the user's
 * {@code ~/.ssh/config} (a {@code Host} alias may give HostName, User, Port, IdentityFile and
 * UserKnownHostsFile), then from ssh's defaults. Built without touching the network.
 *
 * <p>Precedence, as with {@code ssh -p/-l/-i}: a key written in the workflow wins over the ssh
 * config, which wins over the defaults. {@code site.port} counts as written when it is not 22
 * (the workflow format cannot tell "port: 22" from no port).
 *
 * @param alias         the host as the workflow names it (an ssh config alias or a real name)
 * @param host          the host name or address to connect to
 * @param identityFiles private keys to offer, in order (absent default files are left out)
 * @param explicitKeys  true when the keys were named (workflow or ssh config), so a missing one is an error
 * @param knownHosts    the known_hosts file that host keys are checked against
 */
public record SshTarget(String alias, String host, int port, String user, List<Path> identityFiles,
                        boolean explicitKeys, Path knownHosts) {

    /** The environment variable that names another ssh config file than ~/.ssh/config. */
    public static final String CONFIG_ENV = "HWF_SSH_CONFIG";

    public SshTarget {
        identityFiles = List.copyOf(identityFiles);
    }

    /** The target of a remote site, with the user's ssh config and this machine's defaults. */
    public static SshTarget of(Site site) {
        String home = Home.dir();
        String env = System.getenv(CONFIG_ENV);
        Path config = env != null && !env.isBlank() ? Path.of(expand(env.strip(), home, null, null, null))
                : Path.of(home, ".ssh", "config");
        return resolve(site, config, home, System.getProperty("user.name"));
    }

    /**
     * Resolves a site against an ssh config file (which may be absent).
     *
     * @param home      this machine's home directory, for {@code ~} and the default key files
     * @param localUser the user name when neither the workflow nor the config names one
     */
    public static SshTarget resolve(Site site, Path configFile, String home, String localUser) {
        if (!site.isRemote()) {
            throw new IllegalArgumentException("site has no host");
        }
        String alias = site.host();
        ConfigRepository.Config cfg = ConfigRepository.defaultConfig;
        if (configFile != null && Files.isRegularFile(configFile)) {
            try {
                cfg = OpenSSHConfig.parseFile(configFile.toString()).getConfig(alias);
            } catch (IOException | RuntimeException e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "cannot read the ssh config " + configFile + ": " + e
                        + ". Fix it, or point " + CONFIG_ENV + " at another file.", e);
            }
        }
        String user = site.user() != null ? site.user() : cfg.getUser() != null ? cfg.getUser() : localUser;
        int port = site.port() != 22 ? site.port() : cfg.getPort() > 0 ? cfg.getPort() : 22;
        String host = cfg.getHostname() != null ? expand(cfg.getHostname(), home, alias, user, localUser) : alias;

        List<Path> keys = new ArrayList<>();
        boolean explicit;
        String[] fromConfig = cfg.getValues("IdentityFile");
        if (site.identityFile() != null) {
            keys.add(Path.of(expand(site.identityFile(), home, host, user, localUser)));
            explicit = true;
        } else if (fromConfig != null && fromConfig.length > 0) {
            for (String k : fromConfig) {
                keys.add(Path.of(expand(k, home, host, user, localUser)));
            }
            explicit = true;
        } else {
            for (String name : new String[] {"id_ed25519", "id_ecdsa", "id_rsa"}) {
                Path p = Path.of(home, ".ssh", name);
                if (Files.exists(p)) {
                    keys.add(p);
                }
            }
            explicit = false;
        }

        Path knownHosts;
        String khConfig = cfg.getValue("UserKnownHostsFile");
        if (site.knownHosts() != null) {
            knownHosts = Path.of(expand(site.knownHosts(), home, host, user, localUser));
        } else if (khConfig != null && !khConfig.isBlank()) {
            knownHosts = Path.of(expand(khConfig.strip().split("\\s+")[0], home, host, user, localUser));
        } else {
            knownHosts = Path.of(home, ".ssh", "known_hosts");
        }
        return new SshTarget(alias, host, port, user, keys, explicit, knownHosts.toAbsolutePath().normalize());
    }

    /** "alice@login1 port 22", for messages. */
    public String display() {
        return user + "@" + host + " port " + port + (alias.equals(host) ? "" : " (ssh config Host " + alias + ")");
    }

    /** The command that adds the host's keys to {@link #knownHosts()}, quoted for a shell. */
    public String keyscanCommand() {
        return "ssh-keyscan " + (port == 22 ? "" : "-p " + port + " ") + ShellQuote.quote(host) + " >> "
                + ShellQuote.quote(knownHosts.toString());
    }

    /** "alice@login1", for {@code CommandRunner.where()}. */
    public String where() {
        return user + "@" + host + (port == 22 ? "" : ":" + port);
    }

    /**
     * Expands a leading {@code ~} and the ssh config tokens {@code %d} (home), {@code %h} (host),
     * {@code %r} (remote user), {@code %u} (local user) and {@code %%}.
     */
    static String expand(String path, String home, String host, String remoteUser, String localUser) {
        String p = path;
        if (p.equals("~") || p.startsWith("~/")) {
            p = home + p.substring(1);
        }
        if (p.indexOf('%') < 0) {
            return p;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c != '%' || i + 1 == p.length()) {
                sb.append(c);
                continue;
            }
            char t = p.charAt(++i);
            String v = switch (t) {
                case 'd' -> home;
                case 'h' -> host;
                case 'r' -> remoteUser;
                case 'u' -> localUser;
                case '%' -> "%";
                default -> null;
            };
            sb.append(v != null ? v : "%" + t);
        }
        return sb.toString();
    }
}
