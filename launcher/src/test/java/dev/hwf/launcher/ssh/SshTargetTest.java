package dev.hwf.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.workflow.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A site's SSH target from the workflow, ~/.ssh/config Host aliases and ssh's defaults. */
class SshTargetTest {
    @TempDir
    Path home;

    private Path config;

    @BeforeEach
    void config() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        config = home.resolve(".ssh/config");
        Files.writeString(config, """
                # the cluster's login node, as its users would write it
                Host cluster cluster-alt
                    HostName 127.0.0.1
                    Port 2222
                    User root
                    IdentityFile ~/keys/id_cluster
                    UserKnownHostsFile ~/kh/known_hosts ~/kh/other
                    StrictHostKeyChecking no

                host tokens
                    hostname %h.example.org
                    identityfile %d/.ssh/%r@%h

                Host *
                    User fallback
                """);
    }

    private static Site site(String host, int port, String user, String key, String knownHosts) {
        return new Site(host, port, user, key, knownHosts, null, null, null);
    }

    private SshTarget resolve(Site site) {
        return SshTarget.resolve(site, config, home.toString(), "localuser");
    }

    @Test
    void aliasGivesHostNamePortUserKeyAndKnownHosts() {
        for (String alias : List.of("cluster", "cluster-alt")) {
            SshTarget t = resolve(site(alias, 22, null, null, null));
            assertEquals(alias, t.alias());
            assertEquals("127.0.0.1", t.host());
            assertEquals(2222, t.port());
            assertEquals("root", t.user(), "the first User that applies wins, as in ssh");
            assertEquals(List.of(home.resolve("keys/id_cluster")), t.identityFiles());
            assertTrue(t.explicitKeys());
            assertEquals(home.resolve("kh/known_hosts"), t.knownHosts());
            assertEquals("root@127.0.0.1:2222", t.where());
            assertTrue(t.display().contains("Host " + alias), t.display());
        }
    }

    @Test
    void whatTheWorkflowSaysWinsOverTheConfig() {
        SshTarget t = resolve(site("cluster", 2200, "alice", "~/other/key", "/etc/hwf/known_hosts"));
        assertEquals("127.0.0.1", t.host());
        assertEquals(2200, t.port());
        assertEquals("alice", t.user());
        assertEquals(List.of(home.resolve("other/key")), t.identityFiles());
        assertEquals(Path.of("/etc/hwf/known_hosts"), t.knownHosts());
    }

    @Test
    void tokensInHostNameAndIdentityFileAreExpanded() {
        SshTarget t = resolve(site("tokens", 22, null, null, null));
        assertEquals("tokens.example.org", t.host());
        assertEquals("fallback", t.user());
        assertEquals(List.of(home.resolve(".ssh/fallback@tokens.example.org")), t.identityFiles());
    }

    @Test
    void anUnknownHostGetsSshDefaultsAndOnlyExistingDefaultKeys() throws Exception {
        Files.writeString(home.resolve(".ssh/id_ed25519"), "not read here");
        Files.writeString(home.resolve(".ssh/id_rsa"), "not read here");
        SshTarget t = resolve(site("login1.example.org", 22, null, null, null));
        assertEquals("login1.example.org", t.host());
        assertEquals(22, t.port());
        assertEquals("fallback", t.user());
        assertEquals(List.of(home.resolve(".ssh/id_ed25519"), home.resolve(".ssh/id_rsa")), t.identityFiles());
        assertFalse(t.explicitKeys());
        assertEquals(home.resolve(".ssh/known_hosts"), t.knownHosts());
        assertEquals("fallback@login1.example.org", t.where());
    }

    @Test
    void withoutAConfigFileTheLocalUserLogsIn() {
        SshTarget t = SshTarget.resolve(site("login1", 22, null, null, null), home.resolve("absent"),
                home.toString(), "localuser");
        assertEquals("localuser", t.user());
        assertEquals("login1", t.host());
        assertEquals(List.of(), t.identityFiles());
    }

    @Test
    void targetsAreEqualWhenTheyLogInTheSameWay() {
        assertEquals(resolve(site("cluster", 22, null, null, null)), resolve(site("cluster", 22, null, null, null)));
        assertFalse(resolve(site("cluster", 22, null, null, null)).equals(resolve(site("cluster", 22, "bob", null,
                null))));
    }

    @Test
    void expandLeavesUnknownTokensAndPlainPathsAlone() {
        assertEquals("/h/x", SshTarget.expand("~/x", "/h", "host", "r", "l"));
        assertEquals("/a/%z/100%", SshTarget.expand("/a/%z/100%", "/h", "host", "r", "l"));
        assertEquals("/a/%/r/l", SshTarget.expand("/a/%%/%r/%u", "/h", "host", "r", "l"));
        assertEquals("~alice/x", SshTarget.expand("~alice/x", "/h", "host", "r", "l"));
    }
}
