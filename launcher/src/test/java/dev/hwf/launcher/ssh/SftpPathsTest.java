package dev.hwf.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Remote paths: normalised without the local file system; escaped for JSch's glob-reading calls. */
class SftpPathsTest {
    @Test
    void normalizeIsPosixAndLocalFree() {
        assertEquals("/home/alice/hwf", SftpFiles.normalize("/home/alice/./hwf/"));
        assertEquals("/scratch/b", SftpFiles.normalize("/scratch//a/../b"));
        assertEquals("/", SftpFiles.normalize("/.."));
        assertEquals("/a b/it's", SftpFiles.normalize("/a b/it's"));
    }

    @Test
    void globMetacharactersAreEscaped() {
        assertEquals("/w/a\\*b\\?c\\\\d [e] 'f'", SftpFiles.glob("/w/a*b?c\\d [e] 'f'"));
        assertEquals("/plain/path", SftpFiles.glob("/plain/path"));
    }
}
