package dev.hwf.launcher.engine.support;

import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.exec.TransportException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cluster's work directory in memory: the test plays the jobs, writing their exit code files
 * ({@code exit.A.I}), their logs ({@code out.A.I.log}, which mark an element started) and a
 * service's ready file; hwf writes job scripts, which the test reads back. Switched
 * {@link #unreachable}, every call throws {@link TransportException}, as SFTP to a site that is
 * down does. Paths are kept as given: a directory is just a prefix.
 */
public final class FakeSiteFiles implements SiteFiles {
    private final Map<String, String> files = new TreeMap<>();
    private boolean unreachable;

    /** While true, hwf cannot reach the files (the test itself still can). */
    public synchronized void unreachable(boolean down) {
        unreachable = down;
    }

    private void reach() {
        if (unreachable) {
            throw new TransportException("sftp: site unreachable (FakeSiteFiles)", null);
        }
    }

    @Override
    public FileModes modes() {
        return FileModes.PRIVATE;
    }

    /** A link is the target's name, kept as the link's content. */
    @Override
    public synchronized void link(String target, String link) {
        reach();
        files.putIfAbsent(link, "-> " + target);
    }

    /** Paths are just names here: there are no modes to tell. */
    @Override
    public Integer mode(String path) {
        return null;
    }

    // ------------------------------------------------------------------ the jobs' side (the test)

    /** What a job's EXIT trap leaves: {@code exit.A.I} holding the exit code. */
    public synchronized void exitFile(String taskDir, int attempt, int index, int code) {
        files.put(taskDir + "/exit." + attempt + "." + index, code + "\n");
    }

    /** An element's log, which exists once the element has started. */
    public synchronized void started(String taskDir, int attempt, int index) {
        files.put(taskDir + "/out." + attempt + "." + index + ".log", "");
    }

    /** A service's ready file: the endpoint on its first line. */
    public synchronized void ready(String taskDir, int attempt, int index, String endpoint) {
        files.put(taskDir + "/ready." + attempt + "." + index, endpoint + "\n");
    }

    /** What a rename on the site does (an agent claiming a bundle, or marking it done). */
    public synchronized void move(String from, String to) {
        String text = files.remove(from);
        if (text == null) {
            throw new AssertionError("no file " + from + " to move");
        }
        files.put(to, text);
    }

    /** A file as the cluster's side writes it (a pilot agent's done file). */
    public synchronized void put(String path, String text) {
        files.put(path, text);
    }

    /** A file's text as hwf wrote it, or null. */
    public synchronized String text(String path) {
        return files.get(path);
    }

    /** The job script hwf wrote for an attempt, or null if it wrote none. */
    public synchronized String jobScript(String taskDir, int attempt) {
        return files.get(taskDir + "/job." + attempt + ".sh");
    }

    // ------------------------------------------------------------------ hwf's side (SiteFiles)

    @Override
    public String resolve(String path) {
        return path;
    }

    @Override
    public synchronized void mkdirs(String dir) {
        reach();
    }

    @Override
    public synchronized boolean exists(String path) {
        reach();
        return files.containsKey(path);
    }

    @Override
    public synchronized void write(String path, byte[] content, boolean executable) {
        reach();
        files.put(path, new String(content, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized java.util.List<String> list(String dir) {
        reach();
        java.util.Set<String> names = new java.util.TreeSet<>();
        String prefix = dir + "/";
        for (String path : files.keySet()) {
            if (path.startsWith(prefix)) {
                String rest = path.substring(prefix.length());
                names.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
            }
        }
        return new java.util.ArrayList<>(names);
    }

    @Override
    public synchronized void delete(String path) {
        reach();
        files.remove(path);
    }

    @Override
    public synchronized TaskDirScan scan(String taskDir) {
        reach();
        String prefix = taskDir + "/";
        List<String> names = new ArrayList<>();
        for (String path : files.keySet()) {
            if (path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0) {
                names.add(path.substring(prefix.length()));
            }
        }
        // the names and rules LocalFiles and SftpFiles read by
        return TaskDir.scan(names, name -> TaskDirScan.exitCode(files.get(prefix + name)),
                name -> TaskDirScan.endpoint(files.get(prefix + name)));
    }

    @Override
    public synchronized byte[] read(String path, long offset, int max) {
        reach();
        String text = files.get(path);
        if (text == null) {
            return null;
        }
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        int from = (int) (offset < 0 ? Math.max(0, all.length + offset) : Math.min(offset, all.length));
        return Arrays.copyOfRange(all, from, (int) Math.min(all.length, (long) from + max));
    }
}
