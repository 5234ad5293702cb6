using System.Globalization;

namespace FofaDsl.Distributed;

/// <summary>
/// The process's job: one process unless it was launched by <c>mpirun</c> or <c>srun</c> with more than one rank
/// (<c>OMPI_COMM_WORLD_SIZE</c>, <c>PMI_SIZE</c>, <c>PMIX_SIZE</c> or <c>SLURM_NTASKS</c> above 1). MPI is a
/// process-wide resource, so the job is too: <see cref="World"/> is what training and hosting ask.
/// </summary>
internal static class Communicator
{
    private static readonly string[] SizeVariables = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS"];
    private static readonly string[] LocalRankVariables = ["OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"];

    /// <summary>The job this process belongs to; a single process until <see cref="Join"/> finds a launcher.</summary>
    public static ICommunicator World { get; private set; } = SingleProcessCommunicator.Instance;

    /// <summary>
    /// The number of ranks the launcher announced in the environment, or null when nothing launched this process
    /// as part of a job. One rank is today's single process: MPI is not loaded.
    /// </summary>
    public static int? LaunchedWorldSize(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        foreach (var name in SizeVariables)
            if (int.TryParse(environment(name), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
                return size;
        return null;
    }

    /// <summary>This process's rank on its machine as the launcher announced it (0 when none did).</summary>
    public static int LaunchedLocalRank(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        foreach (var name in LocalRankVariables)
            if (int.TryParse(environment(name), NumberStyles.None, CultureInfo.InvariantCulture, out var rank))
                return rank;
        return 0;
    }

    /// <summary>
    /// Joins the job the launcher started (initialising Open MPI) when it has more than one rank; otherwise stays a
    /// single process without loading MPI. Throws <see cref="DllNotFoundException"/> when a job was announced but
    /// Open MPI cannot be loaded.
    /// </summary>
    public static ICommunicator Join()
    {
        if (World.Size > 1 || LaunchedWorldSize() is not > 1) return World;
        World = OpenMpiCommunicator.Initialise(LaunchedLocalRank());
        return World;
    }

    /// <summary>Finalises MPI (when joined) at the end of a job that went well; the process is a single one again.</summary>
    public static void Leave()
    {
        if (World.Size <= 1 && World is SingleProcessCommunicator) return;
        World.Dispose();
        World = SingleProcessCommunicator.Instance;
    }
}
