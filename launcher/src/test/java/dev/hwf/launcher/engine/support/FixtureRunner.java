package dev.hwf.launcher.engine.support;

import dev.hwf.api.Command;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.CommandRunner;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.testing.Fixture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scheduler that answers from a script: the test queues answers per program ({@code argv[0]}),
 * optionally narrowed to commands with an argument containing some text, and each command takes
 * the next answer of its queue. Answers are output captured from real schedulers (the adapters'
 * {@code fixtures/}, on the launcher's test class path), written inline, or no answer at all
 * ({@link TransportException}). Every command is recorded, so a test can count what was sent.
 *
 * <p>A command nobody scripted is recorded in {@link #unexpected()} and fails with an
 * {@link AssertionError}: the engine runs submits on a thread pool and treats any failure there as
 * "did not complete", so the error alone could go unnoticed; tests check {@code unexpected()}.
 */
public final class FixtureRunner implements CommandRunner {

    /**
     * What one command answers: its result, or, when {@code unreachable} is set, a
     * {@link TransportException} with that message. {@code source} names it in failure messages.
     */
    public record Answer(String source, CommandResult result, String unreachable) {

        /**
         * The captured output with the job id {@code captured} (alone, or as {@code ID_N} of an
         * array) replaced by {@code ours}: real output about a job the test's journal holds.
         */
        public Answer withJobId(String captured, String ours) {
            Pattern id = Pattern.compile("(?<![0-9])" + Pattern.quote(captured) + "(?![0-9])");
            String replacement = Matcher.quoteReplacement(ours);
            return map("job " + captured + " as " + ours, t -> id.matcher(t).replaceAll(replacement));
        }

        /** The captured output with a job name replaced: hwf's names hold the run id of the test. */
        public Answer withJobName(String captured, String ours) {
            return map("name " + captured + " as " + ours, t -> t.replace(captured, ours));
        }

        private Answer map(String what, UnaryOperator<String> edit) {
            if (result == null) {
                throw new IllegalStateException(source + " has no output to edit");
            }
            return new Answer(source + " (" + what + ")", new CommandResult(result.exitCode(),
                    edit.apply(result.stdout()), edit.apply(result.stderr())), null);
        }
    }

    /** Output captured from a real scheduler: {@code fixtures/NAME.{exit,stdout,stderr}} ("slurm/squeue-mixed"). */
    public static Answer fixture(String name) {
        int slash = name.lastIndexOf('/');
        Fixture f = Fixture.load(name.substring(0, slash), name.substring(slash + 1));
        return new Answer(name, new CommandResult(f.exitCode(), f.stdout(), f.stderr()), null);
    }

    /** Output written by the test, for answers whose format is trivial (sbatch --parsable's "1234"). */
    public static Answer output(int exitCode, String stdout, String stderr) {
        return new Answer("inline exit " + exitCode, new CommandResult(exitCode, stdout, stderr), null);
    }

    /** A scheduler (or SSH hop) that does not answer: the command throws {@link TransportException}. */
    public static Answer noAnswer(String why) {
        return new Answer("no answer", null, why);
    }

    /** A queue of answers for the commands one {@link #on} key matches; {@link #then} adds the next. */
    public final class Script {
        private final Deque<Answer> answers = new ArrayDeque<>();

        public Script then(Answer next) {
            synchronized (FixtureRunner.this) {
                answers.add(next);
            }
            return this;
        }
    }

    /** Queues by key: "program" or "program\0argument-fragment". */
    private final Map<String, Script> scripts = new LinkedHashMap<>();
    private final List<List<String>> sent = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();

    /** Answers for {@code program}'s commands, in order (added to any still queued for it). */
    public synchronized Script on(String program, Answer first) {
        return scripts.computeIfAbsent(program, k -> new Script()).then(first);
    }

    /**
     * Answers for the commands of {@code program} that have an argument containing
     * {@code argument} ("--name=" tells squeue's find-by-name from its status query). These queues
     * are asked before the program's own.
     */
    public synchronized Script on(String program, String argument, Answer first) {
        return scripts.computeIfAbsent(program + "\0" + argument, k -> new Script()).then(first);
    }

    @Override
    public synchronized CommandResult run(Command command, Duration timeout) {
        List<String> argv = command.argv();
        sent.add(argv);
        Script script = scriptFor(argv);
        Answer a = script == null ? null : script.answers.poll();
        if (a == null) {
            unexpected.add(command.display());
            throw new AssertionError("no answer scripted for: " + command.display());
        }
        if (a.unreachable() != null) {
            throw new TransportException(a.unreachable(), null);
        }
        return a.result();
    }

    /** The narrowest queue that matches: one keyed by an argument the command has, else the program's. */
    private Script scriptFor(List<String> argv) {
        Script narrow = null;
        for (Map.Entry<String, Script> e : scripts.entrySet()) {
            String[] key = e.getKey().split("\0", 2);
            if (key.length == 2 && key[0].equals(argv.get(0))
                    && argv.stream().skip(1).anyMatch(arg -> arg.contains(key[1]))) {
                if (narrow != null) {
                    unexpected.add("two scripts match " + argv);
                    throw new AssertionError("two scripts match " + argv + "; narrow them");
                }
                narrow = e.getValue();
            }
        }
        return narrow != null ? narrow : scripts.get(argv.get(0));
    }

    @Override
    public String where() {
        return "fixtures";
    }

    /** Every command run so far, in order, as argument vectors. */
    public synchronized List<List<String>> sent() {
        return List.copyOf(sent);
    }

    /** The commands of one program run so far. */
    public synchronized List<List<String>> sent(String program) {
        return sent.stream().filter(argv -> argv.get(0).equals(program)).toList();
    }

    /** Commands that found no answer scripted: an engine asking what the test did not expect. */
    public synchronized List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /** Answers scripted but not yet asked for, as "source" strings. */
    public synchronized List<String> unused() {
        List<String> out = new ArrayList<>();
        scripts.forEach((key, s) -> s.answers.forEach(a -> out.add(key.replace('\0', ' ') + ": " + a.source())));
        return out;
    }
}
