using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Http.Client.Generator.CodeFixes
{
    /// <summary>
    /// Replaces a literal with the generated constant the diagnostic names (its <see cref="ConstantProperties"/>):
    /// HTTP1006 (<c>"content-type"</c> becomes <c>HeaderNames.ContentType</c>) and HTTP1007 (<c>404</c> becomes
    /// <c>StatusCodes.NotFound</c>). The constant is written fully qualified and simplified against the file's usings.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseConstantCodeFix))]
    [Shared]
    public sealed class UseConstantCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HTTP1006", "HTTP1007");

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(ConstantProperties.TypeKey, out string? type) || type is null
                    || !diagnostic.Properties.TryGetValue(ConstantProperties.MemberKey, out string? member) || member is null
                    || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal)
                {
                    continue;
                }

                string shortName = type.Substring(type.LastIndexOf('.') + 1) + "." + member;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use " + shortName,
                        cancellationToken => ReplaceAsync(context.Document, literal, type, member, cancellationToken),
                        equivalenceKey: diagnostic.Id + ":UseConstant"),
                    diagnostic);
            }
        }

        private static async Task<Document> ReplaceAsync(Document document, LiteralExpressionSyntax literal, string type, string member, CancellationToken cancellationToken)
        {
            SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            ExpressionSyntax constant = SyntaxFactory.ParseExpression("global::" + type + "." + member)
                .WithTriviaFrom(literal)
                .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
            return document.WithSyntaxRoot(root.ReplaceNode(literal, constant));
        }
    }
}
