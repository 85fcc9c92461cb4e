package dev.hwf.launcher.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The known_hosts file as JSch consults it (JSch's own parser: plain, hashed {@code |1|} and
 * {@code [host]:port} entries), remembering the key the server presented and the verdict, so a
 * refusal can say which key it was. It never adds a key: hwf checks strictly and leaves
 * known_hosts to the user.
 *
 * <p>One rule is OpenSSH's rather than JSch's: off port 22 only a {@code [host]:port} entry vouches
 * for the key. JSch would also take a plain {@code host} entry (the host's port 22 key) there.
 */
final class HostKeyCheck implements HostKeyRepository {
    private final HostKeyRepository known;
    private volatile String checkedHost;
    private volatile byte[] presentedKey;
    private volatile int verdict = -1;

    HostKeyCheck(HostKeyRepository known) {
        this.known = known;
    }

    @Override
    public int check(String host, byte[] key) {
        checkedHost = host;
        presentedKey = key.clone();
        int v = known.check(host, key);
        if (v != NOT_INCLUDED && host.startsWith("[") && !hasEntryFor(host, keyType(key))) {
            v = NOT_INCLUDED; // JSch answered from the plain host's entry
        }
        verdict = v;
        return v;
    }

    /** True when some entry of the given key type names exactly this host (plainly or hashed). */
    private boolean hasEntryFor(String host, String type) {
        HostKey[] all = known.getHostKey();
        for (HostKey hk : all == null ? new HostKey[0] : all) {
            if (!type.equals(hk.getType())) {
                continue;
            }
            String names = hk.getHost();
            if (names.startsWith("|1|")) {
                if (hashedMatches(names, host)) {
                    return true;
                }
                continue;
            }
            for (String name : names.split(",")) {
                if (name.equalsIgnoreCase(host)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A hashed name {@code |1|base64(salt)|base64(HMAC-SHA1(salt, host))} against a host. */
    static boolean hashedMatches(String hashed, String host) {
        String[] parts = hashed.split("\\|");
        if (parts.length != 4) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] want = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return MessageDigest.isEqual(want, mac.doFinal(host.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // never: StrictHostKeyChecking is yes, and known_hosts belongs to the user
    }

    @Override
    public void remove(String host, String type) {
    }

    @Override
    public void remove(String host, String type, byte[] key) {
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return known.getKnownHostsRepositoryID();
    }

    @Override
    public HostKey[] getHostKey() {
        return known.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return known.getHostKey(host, type);
    }

    /** The name the key was looked up under ({@code host}, or {@code [host]:port} off port 22). */
    String checkedHost() {
        return checkedHost;
    }

    /** {@link HostKeyRepository#OK}, {@code NOT_INCLUDED} or {@code CHANGED}; -1 before any check. */
    int verdict() {
        return verdict;
    }

    /** "ssh-ed25519 SHA256:…" of the presented key, or "unknown key" before any check. */
    String presented() {
        byte[] k = presentedKey;
        return k == null ? "unknown key" : keyType(k) + " " + fingerprint(k);
    }

    /** The algorithm name at the start of an SSH public key blob. */
    static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "?";
        }
        int n = ByteBuffer.wrap(blob).getInt();
        if (n <= 0 || n > blob.length - 4) {
            return "?";
        }
        return new String(blob, 4, n, StandardCharsets.US_ASCII);
    }

    /** OpenSSH's fingerprint format: "SHA256:" and the unpadded base64 of the blob's SHA-256. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
