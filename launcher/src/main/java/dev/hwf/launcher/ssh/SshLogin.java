package dev.hwf.launcher.ssh;

import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.Session;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.exec.TransportException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How hwf logs in to a target: a new JSch session that trusts only host keys in the target's
 * known_hosts file ({@link HostKeyCheck}), offers only the user's keys ({@link KeyIdentities}), and
 * accepts no SHA-1 or DSA signatures; and, when that fails, a message that says what happened and
 * what to do. {@link SshConnection} decides when to connect and reconnect.
 */
final class SshLogin {
    static final int CONNECT_TIMEOUT_MS = 15_000;
    /** Host key and user key algorithms: no SHA-1 ({@code ssh-rsa}) signatures, no DSA. */
    static final String ALGORITHMS = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
            + "rsa-sha2-512,rsa-sha2-256";

    /** The connection's logger: what it logs about logging in reads as before. */
    private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);
    private static final AtomicInteger OPENED = new AtomicInteger();

    private SshLogin() {
    }

    /** How many SSH sessions this process has opened. */
    static int opened() {
        return OPENED.get();
    }

    /**
     * A connected session to the target, its keys read from {@code env} ({@code SSH_AUTH_SOCK},
     * {@code HWF_SSH_PASSPHRASE}).
     *
     * @throws SshRefusedException when the host key or the keys are refused
     * @throws TransportException  when the host cannot be reached
     */
    static Session connect(SshTarget target, Map<String, String> env) {
        KeyIdentities keys = KeyIdentities.load(target, env);
        JSch jsch = new JSch();
        Path kh = target.knownHosts();
        try {
            if (Files.exists(kh)) {
                jsch.setKnownHosts(kh.toString());
            }
        } catch (JSchException e) {
            throw new SshRefusedException("cannot read the known_hosts file " + kh + ": " + e.getMessage(), e);
        }
        HostKeyCheck check = new HostKeyCheck(jsch.getHostKeyRepository());
        long t0 = System.nanoTime();
        Session s = null;
        try {
            s = jsch.getSession(target.user(), target.host(), target.port());
            s.setHostKeyRepository(check);
            s.setIdentityRepository(keys);
            s.setConfig("StrictHostKeyChecking", "yes");
            s.setConfig("PreferredAuthentications", "publickey");
            s.setConfig("server_host_key", ALGORITHMS);
            s.setConfig("PubkeyAcceptedAlgorithms", ALGORITHMS);
            s.setConfig("prefer_known_host_key_types", "yes");
            s.setServerAliveInterval(15_000);
            s.setServerAliveCountMax(4);
            s.setDaemonThread(true);
            s.connect(CONNECT_TIMEOUT_MS);
        } catch (JSchException e) {
            if (s != null) {
                s.disconnect();
            }
            throw explain(target, e, check, keys);
        }
        int n = OPENED.incrementAndGet();
        LOG.debug("ssh: connected to {} in {} ms with {}; host key {} ({} SSH connection(s) opened by this hwf "
                        + "process)",
                target.display(), (System.nanoTime() - t0) / 1_000_000, String.join(", ", keys.described),
                check.presented(), n);
        return s;
    }

    /** Turns a failed connect into a message that says what happened and what to do. */
    private static TransportException explain(SshTarget target, JSchException e, HostKeyCheck check,
                                                KeyIdentities keys) {
        String where = target.display();
        String kh = target.knownHosts().toString();
        String keyscan = target.keyscanCommand();
        if (e instanceof JSchUnknownHostKeyException || check.verdict() == HostKeyRepository.NOT_INCLUDED) {
            return new SshRefusedException("the SSH host key of " + target.host() + " port " + target.port() + " ("
                    + check.presented() + ") is not in " + kh + "; hwf connects to known hosts only and did not log "
                    + "in. If this is the cluster you mean and its administrators confirm that fingerprint, add the "
                    + "key: " + keyscan, e);
        }
        if (e instanceof JSchChangedHostKeyException || check.verdict() == HostKeyRepository.CHANGED) {
            String entry = check.checkedHost() != null ? check.checkedHost() : target.host();
            return new SshRefusedException("the SSH host key of " + target.host() + " port " + target.port()
                    + " has CHANGED: the server presents " + check.presented() + ", which is not the key " + kh
                    + " holds for " + entry + ". Someone may be intercepting the connection, or the cluster's host "
                    + "keys were replaced: ask its administrators. Once the new fingerprint is confirmed, replace the "
                    + "old entry: ssh-keygen -R " + ShellQuote.quote(entry) + " -f " + ShellQuote.quote(kh) + " && "
                    + keyscan, e);
        }
        if (e instanceof JSchHostKeyException) {
            return new SshRefusedException("the SSH host key of " + target.host() + " port " + target.port() + " ("
                    + check.presented() + ") is refused by " + kh + ": " + e.getMessage(), e);
        }
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (m.startsWith("Auth fail") || m.startsWith("Auth cancel") || m.contains("Too many authentication")) {
            String offered = keys.described.isEmpty() ? "none" : String.join("; ", keys.described);
            String skipped = keys.skipped.isEmpty() ? "" : " Left out: " + String.join("; ", keys.skipped)
                    + (keys.skipped.stream().anyMatch(x -> x.endsWith("is encrypted")) ? " (load it into ssh-agent "
                    + "with ssh-add, or put its passphrase in " + KeyIdentities.PASSPHRASE_ENV + ")" : "") + ".";
            return new SshRefusedException(where + " did not accept hwf's SSH key (offered: " + offered + ")." + skipped
                    + " Check the user name (site.user, or User in ~/.ssh/config) and that the public key is in "
                    + "~/.ssh/authorized_keys of " + target.user() + " on " + target.host()
                    + ", or name another key with site.identityFile. hwf logs in with keys only.", e);
        }
        Throwable c = e.getCause();
        if (c instanceof UnknownHostException) {
            return new TransportException("cannot connect to " + where + ": the host name " + target.host()
                    + " does not resolve. Check site.host (or HostName in ~/.ssh/config) and your network or VPN.", e);
        }
        if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
            return new TransportException("cannot connect to " + where + ": " + c.getMessage() + ". Is sshd running on "
                    + target.host() + " and listening on port " + target.port() + "? Check site.port (or Port in "
                    + "~/.ssh/config), your network or VPN, and firewalls.", e);
        }
        if (c instanceof SocketTimeoutException || m.toLowerCase(Locale.ROOT).contains("timeout")) {
            return new TransportException("cannot connect to " + where + ": no answer within "
                    + CONNECT_TIMEOUT_MS / 1000 + " s. Check the host name and port, your network or VPN, and "
                    + "firewalls.", e);
        }
        return new TransportException("the SSH connection to " + where + " failed: " + m + ". Check that "
                + "'ssh -p " + target.port() + " " + target.user() + "@" + target.host() + " true' works from this machine.",
                e);
    }
}
