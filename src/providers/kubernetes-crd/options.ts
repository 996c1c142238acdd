import type { ReferencePolicy } from './references.js';

/** The `providers.kubernetesCRD` options a translation reads. */
export interface CrdTranslationOptions extends ReferencePolicy {
  readonly ingressClass: string;
  readonly allowExternalNameServices: boolean;
  readonly allowEmptyServices: boolean;
  readonly nativeLBByDefault: boolean;
  readonly disableClusterScopeResources: boolean;
}

export const defaultTranslationOptions: CrdTranslationOptions = {
  ingressClass: '',
  allowCrossNamespace: false,
  crossProviderNamespaces: undefined,
  allowExternalNameServices: false,
  allowEmptyServices: false,
  nativeLBByDefault: false,
  disableClusterScopeResources: false,
};
