using System.Runtime.InteropServices;

namespace FofaDsl.Platform;

/// <summary>
/// The few switches of libtorch's global <c>at::Context</c> that TorchSharp does not expose, reached through the
/// exported C++ symbols of <c>libtorch_cpu</c> (Itanium ABI: a member function takes <c>this</c> as its first argument).
/// </summary>
internal static unsafe class LibTorchContext
{
    private const int RtldNow = 2;
    private const int RtldNoLoad = 4;

    /// <summary>
    /// Sets libtorch's "user enabled MKLDNN" flag: ATen then never dispatches a convolution to oneDNN, and runs its own
    /// im2col + BLAS kernels instead. Returns the flag as read back, or throws <see cref="InvalidOperationException"/>
    /// when the library or its symbols cannot be found.
    /// </summary>
    public static bool SetOneDnnEnabled(bool enabled)
    {
        var library = LoadedTorchCpu();
        var globalContext = (delegate* unmanaged<IntPtr>)Export(library, "_ZN2at13globalContextEv");
        var setEnabled = (delegate* unmanaged<IntPtr, byte, void>)Export(library, "_ZN2at7Context20setUserEnabledMkldnnEb");
        var isEnabled = (delegate* unmanaged<IntPtr, byte>)Export(library, "_ZNK2at7Context17userEnabledMkldnnEv");
        var context = globalContext();
        setEnabled(context, enabled ? (byte)1 : (byte)0);
        return isEnabled(context) != 0;
    }

    /// <summary>Whether ATen may dispatch convolutions to oneDNN, as libtorch reports it.</summary>
    public static bool IsOneDnnEnabled()
    {
        var library = LoadedTorchCpu();
        var globalContext = (delegate* unmanaged<IntPtr>)Export(library, "_ZN2at13globalContextEv");
        var isEnabled = (delegate* unmanaged<IntPtr, byte>)Export(library, "_ZNK2at7Context17userEnabledMkldnnEv");
        return isEnabled(globalContext()) != 0;
    }

    /// <summary>
    /// The handle of the <c>libtorch_cpu</c> TorchSharp loaded (the loader matches the file name against the loaded
    /// libraries' sonames, so no second copy is mapped).
    /// </summary>
    private static IntPtr LoadedTorchCpu()
    {
        string[] names = OperatingSystem.IsMacOS() ? ["libtorch_cpu.dylib"] : ["libtorch_cpu.so"];
        foreach (var name in names)
        {
            var handle = OperatingSystem.IsLinux() ? dlopen(name, RtldNow | RtldNoLoad) : IntPtr.Zero;
            if (handle != IntPtr.Zero || NativeLibrary.TryLoad(name, out handle)) return handle;
        }
        throw new InvalidOperationException($"libtorch_cpu is not loaded in this process ({RuntimeInformation.OSDescription}).");
    }

    private static IntPtr Export(IntPtr library, string symbol) =>
        NativeLibrary.TryGetExport(library, symbol, out var address)
            ? address
            : throw new InvalidOperationException($"libtorch_cpu exports no '{symbol}' (a libtorch other than the 2.x FofaDsl was built against?).");

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);
}
