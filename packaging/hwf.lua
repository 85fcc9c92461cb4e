-- Lmod modulefile for hwf @VERSION@, inside the release: `module use <release>/modulefiles`, then
-- `module load hwf`. It finds the release from where it lies, so the release may be unpacked anywhere.
help([[hwf @VERSION@: YAML workflows of batch jobs on Slurm, PBS, LSF or local processes,
with every run kept in an SQLite journal. `man hwf`, `hwf --help`.]])
whatis("Name: hwf")
whatis("Version: @VERSION@")
whatis("Description: a batch-job launcher for HPC schedulers")
local root = myFileName():gsub("/modulefiles/hwf/[^/]*$", "")
setenv("HWF_HOME", root)
prepend_path("PATH", pathJoin(root, "bin"))
prepend_path("MANPATH", pathJoin(root, "share/man"))
