import { type CapabilityDeclaration, defineCapabilities } from '../../core/capabilities.js';

/** The embedded provider implements every capability. */
export function memoryCapabilities(): CapabilityDeclaration {
  return defineCapabilities();
}
