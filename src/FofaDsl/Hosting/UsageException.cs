namespace FofaDsl.Hosting;

/// <summary>A command line that parses but asks for something impossible (e.g. attention maps of a method without RAA): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
