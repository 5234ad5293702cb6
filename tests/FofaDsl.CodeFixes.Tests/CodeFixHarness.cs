using System.Collections.Immutable;
using System.Globalization;
using Basic.Reference.Assemblies;
using FofaDsl.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace FofaDsl.CodeFixes.Tests;

/// <summary>
/// Puts a declaration in an in-memory workspace (.NET 10, FofaDsl and TorchSharp references), runs the
/// real <see cref="ExperimentGenerator"/> on it, and applies code fixes the way the IDE does.
/// </summary>
internal static class CodeFixHarness
{
    public const string FilePath = "Experiment0.cs";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(ExperimentAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
    ];

    private static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            // As the SDK does: TorchSharp targets net8.0's System.Runtime, unified with .NET 10's.
            .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]);

    /// <summary>Never changed: each document lives in its own solution snapshot.</summary>
    private static readonly AdhocWorkspace Workspace = new();

    public static Document CreateDocument(string source)
    {
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = Workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Experiments", "Experiments", LanguageNames.CSharp,
                compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References))
            .AddDocument(DocumentInfo.Create(documentId, FilePath,
                loader: TextLoader.From(TextAndVersion.Create(SourceText.From(source), VersionStamp.Default, FilePath)), filePath: FilePath));
        return solution.GetDocument(documentId)!;
    }

    /// <summary>
    /// The generator's diagnostics as it reports them (a file path and span, no syntax tree), and the
    /// compiler's errors in the project with the generated code added.
    /// </summary>
    public static async Task<(ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> CompilerErrors)> RunGeneratorAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new ExperimentGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return (result.Diagnostics, errors);
    }

    /// <summary>The one diagnostic with <paramref name="id"/> that the generator reports for <paramref name="document"/>.</summary>
    public static async Task<Diagnostic> DiagnosticAsync(Document document, string id)
    {
        var (diagnostics, _) = await RunGeneratorAsync(document.Project);
        var matching = diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count > 0, $"{id} not reported; got: {string.Join("; ", diagnostics)}");
        return matching[0];
    }

    /// <summary>The code actions <paramref name="provider"/> offers for <paramref name="diagnostic"/>.</summary>
    public static async Task<ImmutableArray<CodeAction>> FixesAsync(CodeFixProvider provider, Document document, Diagnostic diagnostic)
    {
        Assert.Contains(diagnostic.Id, provider.FixableDiagnosticIds);
        var actions = ImmutableArray.CreateBuilder<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return actions.ToImmutable();
    }

    /// <summary>The document's text after <paramref name="action"/>, as a document of the changed solution.</summary>
    public static async Task<Document> ApplyAsync(Document document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        return solution.GetDocument(document.Id)!;
    }

    /// <summary>
    /// Runs the provider's fix-all over the document, as the IDE's "Fix all occurrences in document" does:
    /// the IDE hands it the generator's diagnostics mapped onto the document's syntax tree.
    /// </summary>
    public static async Task<Document> FixAllInDocumentAsync(CodeFixProvider provider, Document document, string id, string equivalenceKey)
    {
        var fixAll = provider.GetFixAllProvider();
        Assert.NotNull(fixAll);
        var context = new FixAllContext(document, provider, FixAllScope.Document, equivalenceKey, [id], new GeneratorDiagnostics(), CancellationToken.None);
        var action = await fixAll.GetFixAsync(context);
        Assert.NotNull(action);
        return await ApplyAsync(document, action);
    }

    /// <summary>
    /// Checks the whole round trip: the generator reports <paramref name="id"/>, the provider offers exactly one
    /// fix titled <paramref name="title"/>, the fixed text is <paramref name="expected"/>, and the generator and
    /// compiler then report no error.
    /// </summary>
    public static async Task AssertFixesAsync(CodeFixProvider provider, string source, string id, string title, string expected)
    {
        var document = CreateDocument(source);
        var diagnostic = await DiagnosticAsync(document, id);
        var action = Assert.Single(await FixesAsync(provider, document, diagnostic));
        Assert.Equal(title, action.Title);

        var fixedDocument = await ApplyAsync(document, action);
        Assert.Equal(expected, (await fixedDocument.GetTextAsync()).ToString());
        await AssertNoErrorsAsync(fixedDocument);
    }

    /// <summary>The generator reports <paramref name="id"/> for <paramref name="source"/>, and the provider offers nothing.</summary>
    public static async Task AssertNoFixAsync(CodeFixProvider provider, string source, string id)
    {
        var document = CreateDocument(source);
        var diagnostic = await DiagnosticAsync(document, id);
        Assert.Empty(await FixesAsync(provider, document, diagnostic));
    }

    public static async Task AssertNoErrorsAsync(Document document)
    {
        var (diagnostics, compilerErrors) = await RunGeneratorAsync(document.Project);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(compilerErrors);
    }

    /// <summary>Maps the generator's file-path locations onto the project's syntax trees, as the IDE's diagnostic service does.</summary>
    private sealed class GeneratorDiagnostics : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            (await GetAllDiagnosticsAsync(document.Project, cancellationToken)).Where(d => d.Location.SourceTree?.FilePath == document.FilePath);

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            (await GetAllDiagnosticsAsync(project, cancellationToken)).Where(d => d.Location == Location.None);

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var compilation = (await project.GetCompilationAsync(cancellationToken))!;
            var (diagnostics, _) = await RunGeneratorAsync(project);
            return diagnostics.Select(d => InTree(d, compilation)).ToList();
        }

        private static Diagnostic InTree(Diagnostic diagnostic, Compilation compilation)
        {
            // A diagnostic without a location (Location.None) stays a project diagnostic.
            if (diagnostic.Location.Kind != LocationKind.ExternalFile) return diagnostic;
            var tree = compilation.SyntaxTrees.Single(t => t.FilePath == diagnostic.Location.GetLineSpan().Path);
            return Diagnostic.Create(diagnostic.Id, diagnostic.Descriptor.Category, diagnostic.GetMessage(CultureInfo.InvariantCulture),
                diagnostic.Severity, diagnostic.DefaultSeverity, diagnostic.Descriptor.IsEnabledByDefault, diagnostic.WarningLevel,
                diagnostic.Descriptor.Title, diagnostic.Descriptor.Description, diagnostic.Descriptor.HelpLinkUri,
                Location.Create(tree, diagnostic.Location.SourceSpan));
        }
    }
}
