import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
} from 'graphql';
import {
  Project,
  StructureKind,
  type InterfaceDeclarationStructure,
  type OptionalKind,
  type PropertySignatureStructure,
  type SourceFile,
  type TypeAliasDeclarationStructure,
} from 'ts-morph';

import { propertyKey, type TypeNames } from '../naming.ts';
import type { Plan } from '../plan/plan.ts';
import { docText } from './comments.ts';
import { tsType } from './type-mapping.ts';

/** `src/types.ts`: a TypeScript type for every GraphQL type and every field's arguments. */
export function emitTypes(plan: Plan, project: Project): SourceFile {
  const file = project.createSourceFile('types.ts', '', { overwrite: true });
  const names = plan.typeNames;
  // Added in one go at the end: ts-morph reparses the file after each insertion.
  const statements: (InterfaceDeclarationStructure | TypeAliasDeclarationStructure)[] = [];
  const sink = {
    addTypeAlias: (s: Omit<TypeAliasDeclarationStructure, 'kind'>) =>
      statements.push({ ...s, kind: StructureKind.TypeAlias }),
    addInterface: (s: Omit<InterfaceDeclarationStructure, 'kind'>) =>
      statements.push({ ...s, kind: StructureKind.Interface }),
  };

  for (const type of Object.values(plan.schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const docs = type.description ? [docText(type.description)] : [];

    if (isScalarType(type)) {
      if (!type.astNode) continue;
      sink.addTypeAlias({
        name: names.type(type.name),
        isExported: true,
        type: 'unknown',
        docs:
          docs.length > 0 ? docs : [`The custom scalar \`${type.name}\`, passed through as JSON.`],
      });
    } else if (isEnumType(type)) {
      sink.addTypeAlias({
        name: names.type(type.name),
        isExported: true,
        type:
          type
            .getValues()
            .map((v) => JSON.stringify(v.name))
            .join(' | ') || 'never',
        docs,
      });
    } else if (isUnionType(type)) {
      sink.addTypeAlias({
        name: names.type(type.name),
        isExported: true,
        type:
          type
            .getTypes()
            .map((t) => names.type(t.name))
            .join(' | ') || 'never',
        docs,
      });
    } else if (isObjectType(type) || isInterfaceType(type)) {
      sink.addInterface({
        name: names.type(type.name),
        isExported: true,
        docs,
        properties: Object.values(type.getFields()).map((f) => outputProperty(f, names)),
      });
    } else if (isInputObjectType(type)) {
      sink.addInterface({
        name: names.type(type.name),
        isExported: true,
        docs,
        properties: Object.values(type.getFields()).map((f) => inputProperty(f, names)),
      });
    }
  }

  for (const type of Object.values(plan.schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      sink.addInterface({
        name: names.args(type.name, field.name),
        isExported: true,
        docs: [`Arguments of \`${type.name}.${field.name}\`.`],
        properties: field.args.map((a) => inputProperty(a, names)),
      });
    }
  }

  file.addStatements(statements);
  return file;
}

function outputProperty(
  field: GraphQLField<unknown, unknown>,
  names: TypeNames,
): OptionalKind<PropertySignatureStructure> {
  return {
    name: propertyKey(field.name),
    type: tsType(field.type, names, false),
    hasQuestionToken: !isNonNullType(field.type),
    docs: field.description ? [docText(field.description)] : [],
  };
}

function inputProperty(
  field: GraphQLInputField | GraphQLArgument,
  names: TypeNames,
): OptionalKind<PropertySignatureStructure> {
  return {
    name: propertyKey(field.name),
    type: tsType(field.type, names, false),
    // graphql-js fills in defaults, so only a nullable field without one can be absent.
    hasQuestionToken: !isNonNullType(field.type) && field.defaultValue === undefined,
    docs: field.description ? [docText(field.description)] : [],
  };
}
