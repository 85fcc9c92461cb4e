package dev.hwf.launcher.workflow.rules;

import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.YamlTree.Pos;
import java.util.List;

/**
 * A task as its own keys give it, before defaults apply: what the rules across tasks check.
 *
 * @param name           null when missing or wrong (which is reported)
 * @param path           the key path problems name it by: tasks.train, or tasks[2] without a usable name
 * @param after          the tasks named in after, each once, with {@code afterNodes} where each was written
 * @param afterEach      the same for afterEach
 * @param node           the task's map, for the rules that read its keys once every task is known
 */
public record ParsedTask(String name, Pos namePos, String path, String command, List<String> after,
                         List<Node> afterNodes, Settings settings, List<String> afterEach,
                         List<Node> afterEachNodes, MapNode node) {
}
