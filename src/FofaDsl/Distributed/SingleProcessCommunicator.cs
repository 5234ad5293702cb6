namespace FofaDsl.Distributed;

/// <summary>The job of one process (not launched by mpirun or srun): every collective leaves its buffers as they are.</summary>
internal sealed class SingleProcessCommunicator : ICommunicator
{
    /// <summary>The one instance.</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    private SingleProcessCommunicator() { }

    public int Rank => 0;

    public int Size => 1;

    public int LocalRank => 0;

    public void AllReduceSum(float[] buffer, int count) { }

    public void AllReduceSum(double[] buffer) { }

    public void AllReduceMax(long[] buffer) { }

    public void Broadcast(float[] buffer, int count, int root) { }

    public void Broadcast(byte[] buffer, int root) { }

    public void AllGather(float[] send, float[] receive) => send.CopyTo(receive, 0);

    public void AllGather(long[] send, long[] receive) => send.CopyTo(receive, 0);

    public void Barrier() { }

    public void Abort(int exitCode) => Environment.Exit(exitCode);

    public void Dispose() { }
}
