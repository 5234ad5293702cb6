namespace FofaDsl.Platform;

/// <summary>TorchSharp's native runtime cannot be used; the message says why and what to install.</summary>
public sealed class TorchRuntimeException(string message, Exception? inner = null) : Exception(message, inner);
