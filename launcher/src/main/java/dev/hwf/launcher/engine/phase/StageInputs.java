package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.CrashHook;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.StagingLog.CopiedFile;
import dev.hwf.launcher.journal.StagingLog;
import dev.hwf.launcher.stage.DirectCopy;
import dev.hwf.launcher.stage.InputCopy;
import dev.hwf.launcher.stage.Store;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Placement;
import dev.hwf.launcher.workflow.Task;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inputs of a task whose upstream ran on another site (SPEC section 7), copied into its task
 * directory on its own site before it is submitted ({@link InputCopy}). While they are copied its
 * elements are STAGING, with the bytes done of the total kept in the journal as they go; each file
 * is kept with its size, checksum and times once it is in place. A task whose copy failed waits
 * and is copied again by the next pass (files already in place are not copied again); after
 * {@link #TRIES} tries it fails with the reason, naming the file, the site and the error. hwf
 * killed during a copy leaves the elements STAGING: the next pass copies again.
 *
 * <p>This phase writes to the journal as it goes, unlike the others: STAGING must be seen while
 * the bytes move, which may take long.
 */
public final class StageInputs {
    private static final Logger LOG = LoggerFactory.getLogger(StageInputs.class);
    /** Tries of a task's staging before it fails. */
    static final int TRIES = 3;
    /** How often the bytes done are written while a copy goes. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    private final Journal journal;
    private final Clock clock;
    private final CrashHook crash;

    public StageInputs(Journal journal, Clock clock, CrashHook crash) {
        this.journal = journal;
        this.clock = clock;
        this.crash = crash;
    }

    /** Whether a task on {@code site} takes files from an upstream on another site. */
    static boolean needsCopy(Pass pass, Task t, NamedSite site) {
        for (Placement.Input in : t.placement().inputs()) {
            if (!upstreamSite(pass, in.from()).equals(site)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where an upstream task ran: the site of its last attempt, as the run's attempts (read with the
     * pass) hold it; the task's site before it was submitted.
     */
    static NamedSite upstreamSite(Pass pass, String task) {
        int last = pass.snap().task(task).attempt();
        String recorded = last == 0 ? null : pass.snap().attempt(task, last).map(AttemptRecord::site).orElse(null);
        return Pass.attemptSite(pass.wf(), task, recorded);
    }

    /**
     * Copies a task's inputs to {@code site}; true when every file is in place. Its elements go
     * STAGING while they are copied, then WAITING again (staged, or to be tried again) or FAILED.
     *
     * @param triesBefore the tries of the task's staging the journal held before this one
     */
    public boolean stage(Pass pass, Task t, NamedSite site, int triesBefore) {
        String runId = pass.runId();
        StagingLog log = journal.staging();
        List<Step> steps = new ArrayList<>();
        long total = 0;
        String failure = null;
        Store to = pass.store(site);
        try {
            for (Placement.Input in : t.placement().inputs()) {
                NamedSite from = upstreamSite(pass, in.from());
                if (from.equals(site)) {
                    continue; // the same site: the task reads it where it is (HWF_INPUT_<TASK>)
                }
                Store fromStore = pass.store(from);
                InputCopy c = new InputCopy(fromStore, to, clock, route(fromStore, to, from, site));
                String fromDir = pass.taskDir(in.from(), from);
                List<Store.Found> files = c.plan(fromDir, List.of(in.path()));
                if (files.isEmpty()) {
                    failure = "no file matches " + in.path() + " in " + fromDir + " on site " + from.name()
                            + " (inputs of " + in.from() + ")";
                    break;
                }
                steps.add(new Step(in, from, c, fromDir, files));
                total += files.stream().mapToLong(Store.Found::size).sum();
            }
        } catch (IOException | RuntimeException e) {
            failure = "listing the inputs of " + t.name() + ": " + e.getMessage();
        }
        Instant now = clock.instant();
        int tries = triesBefore + 1;
        String how = steps.stream().map(st -> "from " + st.from().name() + " " + st.copy().describe()).distinct()
                .collect(Collectors.joining(", "));
        log.started(runId, t.name(), site.name(), total, how.isEmpty() ? null : how, "staging "
                + (steps.isEmpty() ? "" : total + " bytes ") + "to site " + site.name() + (how.isEmpty() ? "" : " " + how),
                now);
        if (failure == null) {
            failure = copyAll(pass, t, site, steps, total);
        }
        now = clock.instant();
        if (failure == null) {
            log.ended(runId, t.name(), null, JobState.WAITING, null, now);
            LOG.info("run {}: task {}: inputs in place on site {} ({} bytes)", runId, t.name(), site.name(), total);
            return true;
        }
        boolean forGood = tries >= TRIES;
        LOG.warn("run {}: task {}: staging to site {} failed (try {} of {}): {}", runId, t.name(), site.name(), tries,
                TRIES, failure);
        log.ended(runId, t.name(), failure, forGood ? JobState.FAILED : JobState.WAITING, forGood
                ? "staging failed after " + tries + " tries: " + failure
                : "staging failed (try " + tries + " of " + TRIES + "), copied again next pass: " + failure, now);
        return false;
    }

    /**
     * How a copy from {@code from} to {@code to} goes: directly when one of the two reaches the other
     * ({@code reaches:}; the receiving site pulls when it can), else streamed through this machine.
     */
    InputCopy.Route route(Store fromStore, Store toStore, NamedSite from, NamedSite to) {
        String pull = to.reaches().get(from.name());
        if (pull != null) {
            return new DirectCopy(fromStore, toStore, from.name(), to.name(), true, DirectCopy.Address.parse(pull), clock);
        }
        String push = from.reaches().get(to.name());
        return push == null ? null
                : new DirectCopy(fromStore, toStore, from.name(), to.name(), false, DirectCopy.Address.parse(push), clock);
    }

    /** One input's files, from one upstream's directory. */
    private record Step(Placement.Input input, NamedSite from, InputCopy copy, String fromDir,
                        List<Store.Found> files) {
    }

    /** Copies every step's files; null when all are in place, else what went wrong. */
    private String copyAll(Pass pass, Task t, NamedSite site, List<Step> steps, long total) {
        String runId = pass.runId();
        String toDir = pass.taskDir(t.name(), site);
        long[] before = {0};
        Instant[] written = {clock.instant()};
        for (Step s : steps) {
            long base = before[0];
            try {
                s.copy().copy(s.fromDir(), toDir, s.files(), new InputCopy.Progress() {
                    @Override
                    public void bytes(long done, long stepTotal) {
                        Instant now = clock.instant();
                        if (Duration.between(written[0], now).compareTo(PROGRESS_EVERY) >= 0) {
                            journal.staging().progress(runId, t.name(), base + done);
                            written[0] = now;
                        }
                    }

                    @Override
                    public void placed(InputCopy.FileCopy f) {
                        journal.staging().placed(runId, new CopiedFile(t.name(), s.input().from(), f.relative(),
                                s.from().name(), site.name(), f.bytes(), f.sha256(), f.alreadyThere(), f.started(),
                                f.ended()));
                        crash.reach("during-staging"); // a file in place, the others not yet
                    }

                    @Override
                    public void writing(String partial) {
                        crash.reach("during-copy"); // a file half-written under its temporary name
                    }
                });
            } catch (InputCopy.CopyFailed e) {
                return e.getMessage();
            } catch (RuntimeException e) {
                return "copying from site " + s.from().name() + " to site " + site.name() + ": " + e.getMessage();
            }
            before[0] += s.files().stream().mapToLong(Store.Found::size).sum();
        }
        journal.staging().progress(runId, t.name(), total);
        return null;
    }

    /** The tasks left STAGING by a pass that did not finish (hwf killed during a copy), with their site. */
    public static Map<String, String> leftStaging(Pass pass, List<StagingLog.Staging> staging) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StagingLog.Staging s : staging) {
            if (pass.snap().counts(s.task()).of(JobState.STAGING) > 0) {
                out.put(s.task(), s.site());
            }
        }
        return out;
    }
}
