package dev.hwf.launcher.journal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code hwf resume --file/--set} changes in a run, decided beforehand from its tasks.
 *
 * @param order      the tasks of the new version, in its order
 * @param arraySizes each task's array size in the new version (0 for a plain task)
 * @param drop       tasks of the run the new version leaves out; each must never have been submitted
 * @param add        tasks the new version adds
 * @param rerun      tasks whose every element runs again, with why ("definition changed", ...);
 *                   none may have an element queued or running
 */
public record Revision(List<String> order, Map<String, Integer> arraySizes, Set<String> drop,
                       Set<String> add, Map<String, String> rerun) {
    public Revision {
        order = List.copyOf(order);
        arraySizes = Map.copyOf(arraySizes);
        drop = Set.copyOf(drop);
        add = Set.copyOf(add);
        rerun = Map.copyOf(rerun);
    }
}
