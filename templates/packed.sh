#!/bin/bash
#
# hwf packed element: workflow {{workflow}}, run {{run}}, task {{task}}, attempt {{attempt}}.
# Rendered from {{template}}. A pilot's agent runs it for each element of the task in a slot of
# its node, in the task directory {{task_dir}}, with HWF_LOCAL_INDEX set to the element's index;
# the agent writes its output to out.ATTEMPT.INDEX.log and err.ATTEMPT.INDEX.log and, once it has
# ended, its exit code to exit.ATTEMPT.INDEX, as a job script records them.

{{exports}}

{{command}}
