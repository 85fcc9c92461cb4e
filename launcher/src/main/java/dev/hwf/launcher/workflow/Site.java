package dev.hwf.launcher.workflow;

/**
 * Where the scheduler's commands run (SPEC section 1, {@code site:}).
 *
 * @param host         SSH host, or null when the scheduler's commands run on this machine
 * @param port         SSH port (22 when not given)
 * @param user         SSH user, or null for the local user name
 * @param identityFile private key path as written (may start with ~), or null
 * @param knownHosts   known_hosts path as written, or null for ~/.ssh/known_hosts
 * @param workdir      where scripts, logs and exit codes live, as written (may start with ~);
 *                     null means the default {@code ~/.hwf/work}
 * @param gpuPartition partition for GPU tasks that name none, or null
 * @param flavor       PBS only: pbspro or torque; null for other schedulers
 * @param maxJobs      live jobs hwf keeps at most on the site (array elements count one each), over
 *                     what the scheduler says; null to use what it says
 * @param maxArraySize an array job's indices stay below this, over what the scheduler says; null
 *                     to use what it says
 * @param share        who may read the run and task directories hwf makes: {@value #PRIVATE} (the
 *                     owner only, the default) or {@value #GROUP} (the owner's group too); null
 *                     when read from a journal written before the key existed, which is private
 * @param dependencies where a dependant waits for its upstream: {@value #SCHEDULER} (in the
 *                     scheduler's queue, under its own dependency, once the upstream jobs exist; the
 *                     default) or {@value #HWF} (hwf submits it once its upstream has ended); null
 *                     when read from a journal written before the key existed, which is {@value #HWF}
 * @param secrets      who may read a job's secret variables there ({@value #SECRETS_PRIVATE}, the default,
 *                     or {@value #SECRETS_VISIBLE})
 * @param submitCalls  submit commands hwf has in flight at once on the site; null for
 *                     {@value #SUBMIT_CALLS}
 */
public record Site(String host, int port, String user, String identityFile, String knownHosts,
                   String workdir, String gpuPartition, String flavor, Integer maxJobs, Integer maxArraySize,
                   String share, String dependencies, String secrets, Integer submitCalls) {
    /**
     * Submit commands in flight at once on a site by default: a few keep the scheduler busy while
     * each waits for its answer (more gave nothing on the local Slurm, whose controller takes one
     * submission at a time), and stay below OpenSSH's default of ten sessions per connection.
     */
    public static final int SUBMIT_CALLS = 4;

    /** A site with the default number of submit commands in flight. */
    public Site(String host, int port, String user, String identityFile, String knownHosts,
                String workdir, String gpuPartition, String flavor, Integer maxJobs, Integer maxArraySize,
                String share, String dependencies, String secrets) {
        this(host, port, user, identityFile, knownHosts, workdir, gpuPartition, flavor, maxJobs, maxArraySize, share,
                dependencies, secrets, null);
    }

    /** Submit commands in flight at once on this site. */
    public int submitCallsInFlight() {
        return submitCalls == null ? SUBMIT_CALLS : submitCalls;
    }

    /**
     * {@code secrets: private} (the default): a {@code fromEnv} secret goes only to a site where other
     * users cannot read a job's variables; hwf refuses the workflow where they can (PBS Pro with
     * {@code query_other_jobs = True}).
     */
    public static final String SECRETS_PRIVATE = "private";
    /** {@code secrets: visible}: the site's users may read the secrets' values, and that is accepted. */
    public static final String SECRETS_VISIBLE = "visible";

    /** A site recorded before {@code secrets} existed: private. */
    public Site(String host, int port, String user, String identityFile, String knownHosts,
                String workdir, String gpuPartition, String flavor, Integer maxJobs, Integer maxArraySize,
                String share, String dependencies) {
        this(host, port, user, identityFile, knownHosts, workdir, gpuPartition, flavor, maxJobs, maxArraySize, share,
                dependencies, null);
    }

    /** The same site with its work directory as resolved there (an absolute path). */
    public Site withWorkdir(String resolved) {
        return new Site(host, port, user, identityFile, knownHosts, resolved, gpuPartition, flavor, maxJobs, maxArraySize,
                share, dependencies, secrets, submitCalls);
    }

    /** Whether the workflow accepts that other users of the site may read its secrets. */
    public boolean secretsMayBeVisible() {
        return SECRETS_VISIBLE.equals(secrets);
    }

    /** {@code share: private}: run directories readable by their owner only. */
    public static final String PRIVATE = "private";
    /** {@code share: group}: run directories readable by the owner's group as well. */
    public static final String GROUP = "group";
    /** {@code dependencies: scheduler}: dependants wait in the scheduler's queue. */
    public static final String SCHEDULER = "scheduler";
    /** {@code dependencies: hwf}: hwf submits a dependant once its upstream has ended. */
    public static final String HWF = "hwf";

    /** A site with the given sharing, whose runs were recorded before {@code dependencies} existed. */
    public Site(String host, int port, String user, String identityFile, String knownHosts,
                String workdir, String gpuPartition, String flavor, Integer maxJobs, Integer maxArraySize,
                String share) {
        this(host, port, user, identityFile, knownHosts, workdir, gpuPartition, flavor, maxJobs, maxArraySize, share,
                null);
    }

    /** A site with the default sharing. */
    public Site(String host, int port, String user, String identityFile, String knownHosts,
                String workdir, String gpuPartition, String flavor, Integer maxJobs, Integer maxArraySize) {
        this(host, port, user, identityFile, knownHosts, workdir, gpuPartition, flavor, maxJobs, maxArraySize, null);
    }

    /** A site that sets no limits of its own. */
    public Site(String host, int port, String user, String identityFile, String knownHosts, String workdir,
                String gpuPartition, String flavor) {
        this(host, port, user, identityFile, knownHosts, workdir, gpuPartition, flavor, null, null);
    }

    /** Whether the owner's group may read what hwf makes in the work directory. */
    public boolean sharedWithGroup() {
        return GROUP.equals(share);
    }

    /** The site of a workflow with no {@code site:} section. */
    public static Site local() {
        return new Site(null, 22, null, null, null, null, null, null, null, null, null, SCHEDULER);
    }

    /** Whether dependants are handed to the scheduler once their upstream jobs exist. */
    public boolean schedulerDependencies() {
        return SCHEDULER.equals(dependencies);
    }

    public boolean isRemote() {
        return host != null;
    }
}
