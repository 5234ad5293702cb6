using System.Globalization;
using System.Runtime.InteropServices;
using FofaDsl.GpuBench;
using FofaDsl.Hosting;
using TorchSharp;
using static TorchSharp.torch;

// eng/gpu/run.sh runs one process per measurement, so a native crash (a libtorch symbol the installed
// PyTorch lacks) loses one row of the report, not all of them. Output lines starting with RESULT are
// what run.sh reads; everything else is for people.
try
{
    var arguments = BenchArguments.Parse(args);
    return arguments.Command switch
    {
        "probe" => Probe(arguments.Device, arguments.Tf32),
        "step" => Step(arguments),
        "export-fofa" => FofaExport.Run(arguments),
        _ => throw new ArgumentException($"Unknown command '{arguments.Command}': use probe, step or export-fofa."),
    };
}
catch (Exception error)
{
    Console.Error.WriteLine($"gpu-bench: {error.GetType().Name}: {error.Message}");
    return 2;
}

static int Probe(string deviceName, bool tf32)
{
    // TorchSharp's load trace says that a native library failed, not why: load them first and print
    // the loader's message (a missing library or symbol). Function symbols bind lazily, so a missing
    // function only shows when called; eng/gpu/elf_symbols.py lists those.
    var wantsCuda = deviceName.StartsWith("cuda", StringComparison.Ordinal);
    if (wantsCuda) TryLoad("libtorch_cuda.so");
    // Only in the bundle (glue beside the assemblies, libtorch from LD_LIBRARY_PATH): in a build folder
    // TorchSharp loads libtorch from runtimes/ itself, and a second copy from LD_LIBRARY_PATH would abort.
    var glue = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
    if (File.Exists(glue)) TryLoad(glue);
    Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, built for libtorch {torch.__version__}");
    if (wantsCuda)
    {
        // InitializeDeviceType reports TorchSharp's whole native load trace when CUDA does not come up.
        try { torch.InitializeDeviceType(DeviceType.CUDA); }
        catch (Exception error) { Console.WriteLine($"CUDA initialisation failed: {error.Message}"); }
    }
    Console.WriteLine($"cuda.is_available {cuda.is_available()}, device_count {(cuda.is_available() ? cuda.device_count() : 0)}, cudnn {(cuda.is_available() && cuda.is_cudnn_available())}");
    var device = DeviceSelection.Resolve(deviceName);
    if (tf32) DeviceSelection.ConfigureMath(device, allowTf32: true);

    // One of each kind of kernel the bench leans on: matrix product, convolution, attention, autograd.
    using var scope = NewDisposeScope();
    torch.manual_seed(0);
    var a = randn(256, 256, device: device, requires_grad: true);
    var image = randn(2, 3, 32, 32, device: device);
    var kernel = randn(8, 3, 3, 3, device: device, requires_grad: true);
    var q = randn(2, 3, 17, 64, device: device);
    var loss = a.matmul(a).sum() + nn.functional.conv2d(image, kernel, padding: [1, 1]).sum() + nn.functional.scaled_dot_product_attention(q, q, q).sum();
    loss.backward();
    StepTiming.Synchronize(device);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"probe ok on {device}: loss {loss.item<float>():G6}, grad norm {a.grad!.norm().item<float>():G6}"));
    Console.WriteLine($"RESULT impl=dotnet probe=ok device={device}");
    return 0;
}

static void TryLoad(string library)
{
    try
    {
        NativeLibrary.Load(library);
        Console.WriteLine($"{Path.GetFileName(library)} loads");
    }
    catch (Exception error) { Console.WriteLine($"{Path.GetFileName(library)} does not load: {error.Message.ReplaceLineEndings(" ")}"); }
}

static int Step(BenchArguments arguments)
{
    if (arguments.Threads > 0) torch.set_num_threads(arguments.Threads);
    var pair = BenchPair.Find(arguments.Pair);
    var device = DeviceSelection.Resolve(arguments.Device);
    // --tf32 default leaves libtorch's own settings and never calls its TF32 setters (run.sh asks for
    // that when those symbols are missing from the installed libtorch).
    if (arguments.Tf32) DeviceSelection.ConfigureMath(device, allowTf32: true);
    var batch = arguments.Batch > 0 ? arguments.Batch : pair.BatchSize;

    torch.manual_seed(0);
    var teacher = BenchPair.NeedsTeacher(arguments.Kind) ? pair.CreateTeacher() : null;
    var student = pair.CreateStudent();
    // Counted here, before FOFA wraps them, to check the architectures against eager_reference.py's.
    var teacherParameters = teacher?.parameters().Sum(p => p.numel()) ?? 0;
    var studentParameters = student.parameters().Sum(p => p.numel());
    var step = pair.CreateStep(arguments.Kind, teacher, student, arguments.RecomputeTeacher);
    step.MoveTo(device);
    step.SetTraining(true);
    var trainableParameters = step.TrainableParameters().Sum(p => p.numel());
    using var images = randn(batch, pair.Channels, pair.ImageSize, pair.ImageSize, device: device);
    using var labels = randint(0, pair.Classes, batch, device: device);

    var time = StepTiming.MeanStep(step, images, labels, device, arguments.Warmup, arguments.Steps);
    var milliseconds = time.TotalMilliseconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{pair.Description}, {arguments.Kind}, batch {batch} at {pair.ImageSize}px on {device}: {milliseconds:F2} ms/step, {batch / time.TotalSeconds:F0} images/s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT impl=dotnet pair={pair.Name} kind={arguments.Kind} batch={batch} warmup={arguments.Warmup} steps={arguments.Steps} ms={milliseconds:F3} ips={batch / time.TotalSeconds:F1} tf32={(arguments.Tf32 ? "on" : "default")} student_params={studentParameters} teacher_params={teacherParameters} trainable_params={trainableParameters} peak_rss_mib={PeakResidentMiB():F0}"));
    return 0;
}

// The process's resident-set high-water mark (VmHWM), comparable with Python's ru_maxrss; 0 where /proc is missing.
static double PeakResidentMiB()
{
    const string Status = "/proc/self/status";
    if (!File.Exists(Status)) return 0;
    var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}
