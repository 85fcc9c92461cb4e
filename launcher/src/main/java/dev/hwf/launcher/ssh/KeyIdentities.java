package dev.hwf.launcher.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Vector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys hwf offers, in order: the target's key files that open without help (unencrypted, or
 * encrypted and opened with {@value #PASSPHRASE_ENV}), then the keys of a running ssh-agent
 * ({@code SSH_AUTH_SOCK}, reached with Java's own unix-domain sockets), those matching a key file
 * first. Passwords and keyboard-interactive are never used.
 */
final class KeyIdentities implements IdentityRepository {
    /** The environment variable holding the passphrase of encrypted key files; read, never stored. */
    static final String PASSPHRASE_ENV = "HWF_SSH_PASSPHRASE";

    private static final Logger LOG = LoggerFactory.getLogger(KeyIdentities.class);

    private final List<Identity> files;
    private final IdentityRepository agent;
    private final List<byte[]> filePublicKeys;
    /** What was offered, for messages: "KEY (type SHA256:…)", "ssh-agent (N keys)". */
    final List<String> described = new ArrayList<>();
    /** Why key files were left out, for messages. */
    final List<String> skipped = new ArrayList<>();

    private KeyIdentities(List<Identity> files, IdentityRepository agent, List<byte[]> filePublicKeys) {
        this.files = files;
        this.agent = agent;
        this.filePublicKeys = filePublicKeys;
    }

    /**
     * Loads the target's keys.
     *
     * @throws SshRefusedException when no key at all can be offered, saying what to do
     */
    static KeyIdentities load(SshTarget target, Map<String, String> env) {
        JSch jsch = new JSch();
        List<Identity> loaded = new ArrayList<>();
        List<byte[]> publicKeys = new ArrayList<>();
        List<String> described = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String passphrase = env.get(PASSPHRASE_ENV);
        for (Path key : target.identityFiles()) {
            if (!Files.isRegularFile(key)) {
                if (target.explicitKeys()) {
                    skipped.add(key + " does not exist");
                }
                continue;
            }
            if (!Files.isReadable(key)) {
                skipped.add(key + " is not readable by this user");
                continue;
            }
            KeyPair kp;
            try {
                kp = KeyPair.load(jsch, key.toString());
            } catch (JSchException e) {
                skipped.add(key + " is not a private key JSch can read (" + e.getMessage() + ")");
                continue;
            }
            byte[] pub = kp.getPublicKeyBlob();
            if (pub != null && pub.length > 0) {
                publicKeys.add(pub);
            }
            byte[] pass = null;
            if (kp.isEncrypted()) {
                if (passphrase == null) {
                    skipped.add(key + " is encrypted");
                    kp.dispose();
                    continue;
                }
                pass = passphrase.getBytes(StandardCharsets.UTF_8);
                if (!kp.decrypt(pass)) {
                    Arrays.fill(pass, (byte) 0);
                    kp.dispose();
                    throw new SshRefusedException("the passphrase in " + PASSPHRASE_ENV + " does not open " + key
                            + "; set it to that key's passphrase, or load the key into ssh-agent (ssh-add " + key
                            + ") and unset " + PASSPHRASE_ENV, null);
                }
            }
            kp.dispose();
            try {
                jsch.addIdentity(key.toString(), pass);
                described.add(key + (pub == null || pub.length == 0 ? "" : " (" + HostKeyCheck.keyType(pub) + " "
                        + HostKeyCheck.fingerprint(pub) + ")"));
            } catch (JSchException e) {
                skipped.add(key + ": " + e.getMessage());
            } finally {
                if (pass != null) {
                    Arrays.fill(pass, (byte) 0);
                }
            }
        }
        try {
            loaded.addAll(jsch.getIdentityRepository().getIdentities());
        } catch (RuntimeException e) {
            skipped.add("key files: " + e.getMessage());
        }
        IdentityRepository agent = agent(env);
        KeyIdentities ids = new KeyIdentities(loaded, agent, publicKeys);
        ids.described.addAll(described);
        ids.skipped.addAll(skipped);
        int agentKeys = agent == null ? 0 : agent.getIdentities().size();
        if (agent != null) {
            ids.described.add("ssh-agent at SSH_AUTH_SOCK (" + agentKeys + " key" + (agentKeys == 1 ? "" : "s") + ")");
        }
        if (loaded.isEmpty() && agentKeys == 0) {
            String why = skipped.isEmpty() ? "no key file was found (~/.ssh/id_ed25519, id_ecdsa, id_rsa) and no "
                    + "ssh-agent is running" : String.join("; ", skipped);
            throw new SshRefusedException("no SSH key to log in to " + target.display() + " with: " + why
                    + ". Name a key with site.identityFile (or IdentityFile in ~/.ssh/config); for an encrypted key, "
                    + "run ssh-agent and ssh-add it, or put its passphrase in " + PASSPHRASE_ENV + ".", null);
        }
        return ids;
    }

    private static IdentityRepository agent(Map<String, String> env) {
        String sock = env.get("SSH_AUTH_SOCK");
        if (sock == null || sock.isBlank()) {
            return null;
        }
        try {
            SSHAgentConnector connector = new SSHAgentConnector(new UnixDomainSocketFactory(), Path.of(sock));
            if (!connector.isAvailable()) {
                LOG.debug("ssh-agent at {} does not answer; not using it", sock);
                return null;
            }
            return new AgentIdentityRepository(connector);
        } catch (AgentProxyException | RuntimeException e) {
            LOG.debug("ssh-agent at {} cannot be used: {}", sock, e.toString());
            return null;
        }
    }

    @Override
    public String getName() {
        return "hwf keys";
    }

    @Override
    public int getStatus() {
        return RUNNING;
    }

    @Override
    public Vector<Identity> getIdentities() {
        Vector<Identity> all = new Vector<>(files);
        if (agent != null) {
            List<Identity> matching = new ArrayList<>();
            List<Identity> others = new ArrayList<>();
            for (Identity id : agent.getIdentities()) {
                boolean match = filePublicKeys.stream().anyMatch(k -> Arrays.equals(k, id.getPublicKeyBlob()));
                (match ? matching : others).add(id);
            }
            all.addAll(matching);
            all.addAll(others);
        }
        return all;
    }

    @Override
    public boolean add(byte[] identity) {
        return false;
    }

    @Override
    public boolean remove(byte[] blob) {
        return false;
    }

    @Override
    public void removeAll() {
    }
}
