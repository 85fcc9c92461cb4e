package dev.hwf.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * known_hosts as hwf checks it (JSch's parser behind {@link HostKeyCheck}): plain, hashed
 * ({@code |1|salt|hmac}, as {@code ssh-keygen -H} writes) and {@code [host]:port} entries; a
 * key for another port does not count; a different key of the same type is CHANGED; nothing is
 * ever written to the file. Hashed lines are made here from the format (HMAC-SHA1 of the host
 * under a random salt), not by JSch. SshTransportIT repeats this against a real sshd.
 */
class KnownHostsTest {
    @TempDir
    Path tmp;

    private byte[] keyA;
    private byte[] keyB;
    private byte[] ecdsa;

    @BeforeEach
    void keys() throws Exception {
        JSch jsch = new JSch();
        keyA = KeyPair.genKeyPair(jsch, KeyPair.ED25519).getPublicKeyBlob();
        keyB = KeyPair.genKeyPair(jsch, KeyPair.ED25519).getPublicKeyBlob();
        ecdsa = KeyPair.genKeyPair(jsch, KeyPair.ECDSA, 256).getPublicKeyBlob();
    }

    private static String line(String host, byte[] blob) {
        return host + " " + HostKeyCheck.keyType(blob) + " " + Base64.getEncoder().encodeToString(blob);
    }

    /** A hashed host field: |1|base64(salt)|base64(HMAC-SHA1(salt, host)). */
    private static String hashed(String host) throws Exception {
        byte[] salt = new byte[20];
        new SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] h = mac.doFinal(host.getBytes(StandardCharsets.US_ASCII));
        return "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(h);
    }

    private HostKeyCheck load(String... lines) throws Exception {
        Path f = tmp.resolve("known_hosts");
        Files.writeString(f, String.join("\n", lines) + "\n");
        JSch jsch = new JSch();
        jsch.setKnownHosts(f.toString());
        return new HostKeyCheck(jsch.getHostKeyRepository());
    }

    @Test
    void bracketedPortEntriesMatchOnlyThatPort() throws Exception {
        HostKeyCheck check = load("# a comment", line("[127.0.0.1]:2222", keyA), line("login.example", ecdsa));
        assertEquals(HostKeyRepository.OK, check.check("[127.0.0.1]:2222", keyA));
        assertEquals(HostKeyRepository.NOT_INCLUDED, check.check("127.0.0.1", keyA), "port 22 is another host");
        assertEquals(HostKeyRepository.NOT_INCLUDED, check.check("[127.0.0.1]:2223", keyA));
        assertEquals(HostKeyRepository.OK, check.check("login.example", ecdsa));
        assertEquals(HostKeyRepository.NOT_INCLUDED, check.check("[login.example]:2222", ecdsa),
                "a port 22 entry vouches for port 22 only, as in OpenSSH");
    }

    @Test
    void aPortEntryStillWinsOverThePlainHostsEntry() throws Exception {
        HostKeyCheck check = load(line("login.example", keyA), line(hashed("[login.example]:2222"), keyB));
        assertEquals(HostKeyRepository.OK, check.check("[login.example]:2222", keyB));
        assertEquals(HostKeyRepository.CHANGED, check.check("[login.example]:2222", keyA));
        assertEquals(HostKeyRepository.OK, check.check("login.example", keyA));
        assertTrue(HostKeyCheck.hashedMatches(hashed("h"), "h"));
        assertEquals(false, HostKeyCheck.hashedMatches("|1|not|base64!", "h"));
    }

    @Test
    void hashedEntriesAreUnderstoodForPlainAndPortHosts() throws Exception {
        HostKeyCheck check = load(line(hashed("[cluster.example]:2200"), keyA), line(hashed("login.example"), ecdsa));
        assertEquals(HostKeyRepository.OK, check.check("[cluster.example]:2200", keyA));
        assertEquals(HostKeyRepository.OK, check.check("login.example", ecdsa));
        assertEquals(HostKeyRepository.NOT_INCLUDED, check.check("cluster.example", keyA));
        assertEquals(HostKeyRepository.NOT_INCLUDED, check.check("other.example", ecdsa));
    }

    @Test
    void anotherKeyOfTheSameTypeIsChangedAndTheVerdictIsRemembered() throws Exception {
        HostKeyCheck check = load(line(hashed("[127.0.0.1]:2222"), keyA));
        assertEquals(-1, check.verdict());
        assertEquals(HostKeyRepository.CHANGED, check.check("[127.0.0.1]:2222", keyB));
        assertEquals(HostKeyRepository.CHANGED, check.verdict());
        assertEquals("[127.0.0.1]:2222", check.checkedHost());
        assertEquals("ssh-ed25519 " + HostKeyCheck.fingerprint(keyB), check.presented());
    }

    @Test
    void fingerprintsAreOpenSshsSha256Form() throws Exception {
        String fp = HostKeyCheck.fingerprint(keyA);
        assertTrue(fp.matches("SHA256:[A-Za-z0-9+/]{43}"), fp);
        assertEquals(new HostKey("x", keyA).getFingerPrint(new JSch()), fp);
        assertEquals("ecdsa-sha2-nistp256", HostKeyCheck.keyType(ecdsa));
        assertEquals("?", HostKeyCheck.keyType(new byte[] {0, 0, 0, 9, 'x'}));
    }

    @Test
    void neverWritesToKnownHosts() throws Exception {
        HostKeyCheck check = load(line("[127.0.0.1]:2222", keyA));
        String before = Files.readString(tmp.resolve("known_hosts"));
        check.check("[127.0.0.1]:2223", keyB);
        check.add(new HostKey("[127.0.0.1]:2223", keyB), null);
        check.remove("[127.0.0.1]:2222", "ssh-ed25519");
        assertEquals(before, Files.readString(tmp.resolve("known_hosts")));
        assertEquals(HostKeyRepository.OK, check.check("[127.0.0.1]:2222", keyA));
    }
}
