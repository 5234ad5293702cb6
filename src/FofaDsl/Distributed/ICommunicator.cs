namespace FofaDsl.Distributed;

/// <summary>
/// The collective operations data-parallel training needs, over every process of the job (MPI's
/// <c>MPI_COMM_WORLD</c>). Every rank must make the same calls in the same order with buffers of the same length;
/// <see cref="SingleProcessCommunicator"/> is the job of one process, where each call is a no-op.
/// </summary>
internal interface ICommunicator : IDisposable
{
    /// <summary>This process's rank, 0 to <see cref="Size"/> - 1; rank 0 prints and writes files.</summary>
    int Rank { get; }

    /// <summary>Number of processes in the job.</summary>
    int Size { get; }

    /// <summary>This process's rank among those on its machine (picks its GPU).</summary>
    int LocalRank { get; }

    /// <summary>True for the rank that prints progress and writes the run's files.</summary>
    bool IsRoot => Rank == 0;

    /// <summary>Replaces the first <paramref name="count"/> elements of <paramref name="buffer"/> by their sum over all ranks.</summary>
    void AllReduceSum(float[] buffer, int count);

    /// <summary>Replaces every element of <paramref name="buffer"/> by its sum over all ranks.</summary>
    void AllReduceSum(double[] buffer);

    /// <summary>Replaces every element of <paramref name="buffer"/> by its maximum over all ranks.</summary>
    void AllReduceMax(long[] buffer);

    /// <summary>Copies the first <paramref name="count"/> elements of rank <paramref name="root"/>'s buffer into every rank's.</summary>
    void Broadcast(float[] buffer, int count, int root);

    /// <summary>Copies rank <paramref name="root"/>'s bytes into every rank's buffer (all buffers the same length).</summary>
    void Broadcast(byte[] buffer, int root);

    /// <summary>
    /// Concatenates every rank's <paramref name="send"/> in rank order into <paramref name="receive"/>
    /// (<see cref="Size"/> times its length) on every rank.
    /// </summary>
    void AllGather(float[] send, float[] receive);

    /// <summary>
    /// <see cref="AllGather(float[], float[])"/> for 64-bit integers.
    /// </summary>
    void AllGather(long[] send, long[] receive);

    /// <summary>Returns on every rank once all have called it.</summary>
    void Barrier();

    /// <summary>Ends every process of the job with <paramref name="exitCode"/> (MPI_Abort); does not return.</summary>
    void Abort(int exitCode);
}
