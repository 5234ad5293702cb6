namespace FofaDsl.Distributed;

/// <summary>
/// <see cref="ICommunicator"/> over Open MPI's <c>MPI_COMM_WORLD</c>. Initialised with <c>MPI_THREAD_SERIALIZED</c>: the
/// training thread is not the one that started the process, and only one thread calls MPI at a time.
/// </summary>
internal sealed unsafe class OpenMpiCommunicator : ICommunicator
{
    private readonly OpenMpiLibrary mpi;
    private bool finalized;

    private OpenMpiCommunicator(OpenMpiLibrary mpi, int rank, int size, int localRank)
    {
        this.mpi = mpi;
        Rank = rank;
        Size = size;
        LocalRank = localRank;
    }

    public int Rank { get; }

    public int Size { get; }

    public int LocalRank { get; }

    /// <summary>Loads Open MPI, initialises it (once per process) and reads this process's rank.</summary>
    public static OpenMpiCommunicator Initialise(int localRank)
    {
        var mpi = OpenMpiLibrary.Load();
        int initialised = 0, provided = 0, rank = 0, size = 0;
        OpenMpiLibrary.Check(mpi.Initialized(&initialised), "MPI_Initialized");
        if (initialised == 0)
        {
            OpenMpiLibrary.Check(mpi.InitThread(null, IntPtr.Zero, OpenMpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
            if (provided < OpenMpiLibrary.ThreadSerialized)
                throw new InvalidOperationException($"Open MPI ({mpi.Name}) offers thread level {provided}; data-parallel training needs MPI_THREAD_SERIALIZED (2) or more.");
        }
        OpenMpiLibrary.Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        OpenMpiLibrary.Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        return new OpenMpiCommunicator(mpi, rank, size, localRank);
    }

    public void AllReduceSum(float[] buffer, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, buffer.Length);
        fixed (float* data = buffer)
            OpenMpiLibrary.Check(mpi.AllReduce((void*)OpenMpiLibrary.InPlace, data, count, mpi.Float, mpi.Sum, mpi.CommWorld), "MPI_Allreduce");
    }

    public void AllReduceSum(double[] buffer)
    {
        fixed (double* data = buffer)
            OpenMpiLibrary.Check(mpi.AllReduce((void*)OpenMpiLibrary.InPlace, data, buffer.Length, mpi.Double, mpi.Sum, mpi.CommWorld), "MPI_Allreduce");
    }

    public void AllReduceMax(long[] buffer)
    {
        fixed (long* data = buffer)
            OpenMpiLibrary.Check(mpi.AllReduce((void*)OpenMpiLibrary.InPlace, data, buffer.Length, mpi.Int64, mpi.Max, mpi.CommWorld), "MPI_Allreduce");
    }

    public void Broadcast(float[] buffer, int count, int root)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, buffer.Length);
        fixed (float* data = buffer)
            OpenMpiLibrary.Check(mpi.Bcast(data, count, mpi.Float, root, mpi.CommWorld), "MPI_Bcast");
    }

    public void Broadcast(byte[] buffer, int root)
    {
        fixed (byte* data = buffer)
            OpenMpiLibrary.Check(mpi.Bcast(data, buffer.Length, mpi.Byte, root, mpi.CommWorld), "MPI_Bcast");
    }

    public void AllGather(float[] send, float[] receive)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(receive.Length, send.Length * Size);
        fixed (float* source = send)
        fixed (float* target = receive)
            OpenMpiLibrary.Check(mpi.AllGather(source, send.Length, mpi.Float, target, send.Length, mpi.Float, mpi.CommWorld), "MPI_Allgather");
    }

    public void AllGather(long[] send, long[] receive)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(receive.Length, send.Length * Size);
        fixed (long* source = send)
        fixed (long* target = receive)
            OpenMpiLibrary.Check(mpi.AllGather(source, send.Length, mpi.Int64, target, send.Length, mpi.Int64, mpi.CommWorld), "MPI_Allgather");
    }

    public void Barrier() => OpenMpiLibrary.Check(mpi.Barrier(mpi.CommWorld), "MPI_Barrier");

    public void Abort(int exitCode)
    {
        // Flushed first: MPI_Abort ends the process without running .NET's shutdown.
        Console.Out.Flush();
        Console.Error.Flush();
        mpi.Abort(mpi.CommWorld, exitCode);
        Environment.Exit(exitCode);
    }

    /// <summary>MPI_Finalize, once; every rank calls it at the end of a job that went well.</summary>
    public void Dispose()
    {
        if (finalized) return;
        finalized = true;
        int done = 0;
        mpi.Finalized(&done);
        if (done == 0) mpi.Finalize();
    }
}
