using System.Runtime.InteropServices;

namespace FofaDsl.Distributed;

/// <summary>
/// The few MPI C functions data-parallel training calls, bound at run time from Open MPI's <c>libmpi.so.40</c>.
/// Open MPI's handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>, ...) are the addresses of exported
/// objects (<c>ompi_mpi_comm_world</c>, ...), read here with <see cref="NativeLibrary.GetExport"/>; MPICH's are integer
/// constants, so this binding is Open MPI's alone (README, "Training on several processes or machines").
/// </summary>
internal sealed unsafe class OpenMpiLibrary
{
    // Open MPI's values (mpi.h): MPI_THREAD_SERIALIZED, and MPI_IN_PLACE as the address 1.
    public const int ThreadSerialized = 2;
    public static readonly IntPtr InPlace = 1;

    private const int RtldNow = 2, RtldGlobal = 0x100;

    private static readonly string[] Names = ["libmpi.so.40", "libmpi.so"];

    private OpenMpiLibrary(IntPtr library, string name)
    {
        Name = name;
        IntPtr Export(string symbol) => NativeLibrary.GetExport(library, symbol);
        IntPtr Handle(string symbol) => NativeLibrary.GetExport(library, symbol);

        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, IntPtr, int, int*, int>)Export("MPI_Init_thread");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_size");
        AllReduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int>)Export("MPI_Allreduce");
        Bcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int>)Export("MPI_Bcast");
        AllGather = (delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, int>)Export("MPI_Allgather");
        Barrier = (delegate* unmanaged<IntPtr, int>)Export("MPI_Barrier");
        Abort = (delegate* unmanaged<IntPtr, int, int>)Export("MPI_Abort");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommWorld = Handle("ompi_mpi_comm_world");
        Float = Handle("ompi_mpi_float");
        Double = Handle("ompi_mpi_double");
        Int64 = Handle("ompi_mpi_int64_t");
        Byte = Handle("ompi_mpi_byte");
        Sum = Handle("ompi_mpi_op_sum");
        Max = Handle("ompi_mpi_op_max");
    }

    /// <summary>The file that was loaded.</summary>
    public string Name { get; }

    public delegate* unmanaged<int*, int> Initialized { get; }
    public delegate* unmanaged<int*, int> Finalized { get; }
    public delegate* unmanaged<int*, IntPtr, int, int*, int> InitThread { get; }
    public delegate* unmanaged<IntPtr, int*, int> CommRank { get; }
    public delegate* unmanaged<IntPtr, int*, int> CommSize { get; }
    public delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int> AllReduce { get; }
    public delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int> Bcast { get; }
    public delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, int> AllGather { get; }
    public delegate* unmanaged<IntPtr, int> Barrier { get; }
    public delegate* unmanaged<IntPtr, int, int> Abort { get; }
    public delegate* unmanaged<int> Finalize { get; }
    public IntPtr CommWorld { get; }
    public IntPtr Float { get; }
    public IntPtr Double { get; }
    public IntPtr Int64 { get; }
    public IntPtr Byte { get; }
    public IntPtr Sum { get; }
    public IntPtr Max { get; }

    /// <summary>
    /// Loads Open MPI's library with its symbols global (its plug-ins, which it opens itself, resolve against them),
    /// or throws naming what was tried and how to install it.
    /// </summary>
    public static OpenMpiLibrary Load()
    {
        var problems = new List<string>();
        foreach (var name in Names)
        {
            var library = OpenGlobal(name);
            if (library == IntPtr.Zero)
            {
                problems.Add($"{name}: {LastError()}");
                continue;
            }
            if (!NativeLibrary.TryGetExport(library, "ompi_mpi_comm_world", out _))
            {
                problems.Add($"{name}: not Open MPI's (no ompi_mpi_comm_world; MPICH and others are not supported)");
                continue;
            }
            return new OpenMpiLibrary(library, name);
        }
        throw new DllNotFoundException(
            $"This process was launched as one rank of an MPI job, but Open MPI's library could not be loaded ({string.Join("; ", problems)}). " +
            "Install Open MPI 4 (Debian: apt-get install openmpi-bin libopenmpi3) on every machine of the job, or run without mpirun/srun.");
    }

    /// <summary>Throws when an MPI call did not return MPI_SUCCESS (Open MPI's default handler aborts first; this is the fallback).</summary>
    public static void Check(int code, string function)
    {
        if (code != 0) throw new InvalidOperationException($"{function} failed with MPI error code {code}.");
    }

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern IntPtr DlOpen(string fileName, int flags);

    [DllImport("libc.so.6", EntryPoint = "dlerror")]
    private static extern IntPtr DlError();

    private static IntPtr OpenGlobal(string name)
    {
        try
        {
            return DlOpen(name, RtldNow | RtldGlobal);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the runtime's own loader (local symbols) is the next best.
            return NativeLibrary.TryLoad(name, out var handle) ? handle : IntPtr.Zero;
        }
    }

    private static string LastError()
    {
        try
        {
            return Marshal.PtrToStringUTF8(DlError()) ?? "not found";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "not found";
        }
    }
}
