import type { IssuedToken, IssueTokenInput } from '../model/auth.js';
import type { CallOptions } from '../model/common.js';

/** Client tokens for the vendor's front-end SDK. */
export interface AuthService {
  /** Issues a token for `userId`, granting the room permissions asked. */
  issueToken(input: IssueTokenInput, options?: CallOptions): Promise<IssuedToken>;
}
