using FofaDsl.Examples;

// One program, four experiments: the first argument picks the pair, the rest is that experiment's command line.
var pairs = new Dictionary<string, Func<string[], Task<int>>>
{
    ["swin-resnet18"] = SwinToResNet.RunAsync,
    ["vit-mobilenetv2"] = VitToMobileNet.RunAsync,
    ["mixer-resnet18"] = MixerToResNet.RunAsync,
    ["convnext-resmlp"] = ConvNeXtToResMlp.RunAsync,
};
if (args.Length == 0 || !pairs.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: PaperPairs <{string.Join("|", pairs.Keys)}> <command> [options]   (e.g. PaperPairs swin-resnet18 check)");
    return 2;
}
return await run(args[1..]);
