package dev.hwf.launcher.engine;

import dev.hwf.launcher.render.RunLayout;
import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 5: asks the {@link SubmitGates} about every task with WAITING elements. Those the gates
 * let go become one claim each (all the task's WAITING elements, as one job or one array job) and
 * are handed to {@link Submission}; those a gate stops end CANCELLED with its reason; those held
 * stay WAITING for a later pass.
 */
final class ReleaseAndSubmit {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseAndSubmit.class);

    private ReleaseAndSubmit() {
    }

    static Submission.Submitted run(Pass pass, Journal journal, Submission submission) {
        SubmitGates gates = SubmitGates.forPass(pass, journal);
        List<Change> stopped = new ArrayList<>();
        Map<String, Integer> stopReasons = new LinkedHashMap<>();
        List<Journal.Claim> wanted = new ArrayList<>();
        for (Task t : pass.wf().tasks()) {
            List<ElementRecord> waiting = pass.waiting(t.name());
            if (waiting.isEmpty()) {
                continue;
            }
            SubmitGate.Verdict v = gates.check(t, waiting);
            switch (v.kind()) {
                case STOP -> {
                    for (ElementRecord e : waiting) {
                        stopped.add(new Change(e, e.with(JobState.CANCELLED, null, v.reason(), pass.now())));
                    }
                    stopReasons.merge(v.reason(), waiting.size(), Integer::sum);
                }
                case HOLD -> LOG.debug("task {}: {} element(s) held: {}", t.name(), waiting.size(), v.reason());
                case GO -> {
                    int last = pass.snap().task(t.name()).attempt();
                    wanted.add(new Journal.Claim(t.name(), last, waiting.stream().map(ElementRecord::index).toList(),
                            RunLayout.jobName(pass.runId(), t.name(), last + 1)));
                }
            }
        }
        stopReasons.forEach((reason, n) -> LOG.warn("run {}: {}; {} element(s) not submitted end CANCELLED",
                pass.runId(), reason, n));
        Submission.Submitted sent = submission.submit(pass, wanted);
        return new Submission.Submitted(PhaseResult.of(stopped).and(sent.result()), sent.claimed());
    }
}
