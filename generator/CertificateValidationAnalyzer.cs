using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Http.Client.Generator
{
    /// <summary>
    /// HTTP1010: the <c>sslOptions</c> of <c>new HttpsConnection(...)</c> carry a
    /// <c>RemoteCertificateValidationCallback</c> that returns true whatever it is given: a lambda, anonymous method or
    /// method of this compilation whose only statement is <c>return true</c>. The options may be created in the argument
    /// or in a local of the same method (its initializer, or a later <c>options.RemoteCertificateValidationCallback = ...</c>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CertificateValidationAnalyzer : DiagnosticAnalyzer
    {
        private const string CallbackProperty = "RemoteCertificateValidationCallback";
        private const string OptionsTypeName = "System.Net.Security.SslClientAuthenticationOptions";

        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.AcceptsAnyCertificate);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                INamedTypeSymbol? secure = LibraryReference.Connection(start.Compilation) is null ? null : start.Compilation.GetTypeByMetadataName(LibraryReference.SecureConnectionTypeName);
                INamedTypeSymbol? options = start.Compilation.GetTypeByMetadataName(OptionsTypeName);
                if (secure is not null && options is not null)
                {
                    start.RegisterOperationAction(operation => AnalyzeCreation(operation, secure, options), OperationKind.ObjectCreation);
                }
            });
        }

        private static void AnalyzeCreation(OperationAnalysisContext context, INamedTypeSymbol secure, INamedTypeSymbol options)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (!LibraryReference.IsConnectionType(creation.Type, secure))
            {
                return;
            }

            foreach (IArgumentOperation argument in creation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue || !SymbolEqualityComparer.Default.Equals(argument.Parameter?.Type.OriginalDefinition, options))
                {
                    continue;
                }

                switch (LibraryReference.WithoutConversions(argument.Value))
                {
                    case IObjectCreationOperation { Initializer: { } initializer }:
                        CheckAssignments(context, initializer, null);
                        break;
                    case ILocalReferenceOperation local:
                        IOperation root = creation;
                        while (root.Parent is not null)
                        {
                            root = root.Parent;
                        }

                        CheckAssignments(context, root, local.Local);
                        break;
                }
            }
        }

        /// <summary>
        /// Assignments of the callback under <paramref name="scope"/>: in an object initializer (of the options local's
        /// declaration when <paramref name="local"/> is set), or <c>local.RemoteCertificateValidationCallback = ...</c>.
        /// </summary>
        private static void CheckAssignments(OperationAnalysisContext context, IOperation scope, ILocalSymbol? local)
        {
            foreach (IOperation operation in scope.DescendantsAndSelf())
            {
                if (operation is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: CallbackProperty } property } assignment)
                {
                    continue;
                }

                bool belongs = local is null
                    ? property.Instance is IInstanceReferenceOperation
                    : property.Instance is ILocalReferenceOperation target ? SymbolEqualityComparer.Default.Equals(target.Local, local)
                    : property.Instance is IInstanceReferenceOperation && DeclaresLocal(assignment, local);
                if (belongs && AlwaysTrue(assignment.Value))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AcceptsAnyCertificate, assignment.Value.Syntax.GetLocation()));
                }
            }
        }

        /// <summary>Whether an initializer assignment belongs to the object creation that initializes <paramref name="local"/>.</summary>
        private static bool DeclaresLocal(IOperation assignment, ILocalSymbol local)
        {
            for (IOperation? parent = assignment.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IVariableDeclaratorOperation declarator)
                {
                    return SymbolEqualityComparer.Default.Equals(declarator.Symbol, local);
                }

                if (parent is ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned })
                {
                    return SymbolEqualityComparer.Default.Equals(assigned.Local, local);
                }
            }

            return false;
        }

        private static bool AlwaysTrue(IOperation value)
        {
            value = LibraryReference.WithoutConversions(value);
            switch (value)
            {
                case IDelegateCreationOperation { Target: IAnonymousFunctionOperation function }:
                    return ReturnsOnlyTrue(function.Body);
                case IDelegateCreationOperation { Target: IMethodReferenceOperation reference }:
                    foreach (SyntaxReference declaration in reference.Method.DeclaringSyntaxReferences)
                    {
                        if (declaration.GetSyntax(default) is MethodDeclarationSyntax method)
                        {
                            ExpressionSyntax? returned = method.ExpressionBody?.Expression
                                ?? (method.Body is { Statements.Count: 1 } body && body.Statements[0] is ReturnStatementSyntax ret ? ret.Expression : null);
                            return returned is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.TrueLiteralExpression);
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>A body that is one <c>return true;</c> (an expression-bodied lambda is one, implicitly).</summary>
        private static bool ReturnsOnlyTrue(IBlockOperation body)
        {
            int returns = 0;
            foreach (IOperation statement in body.Operations)
            {
                if (statement is IReturnOperation { ReturnedValue: { } returned } && LibraryReference.ConstantOf(returned) is { HasValue: true, Value: true })
                {
                    returns++;
                    continue;
                }

                return false;
            }

            return returns == 1;
        }
    }
}
