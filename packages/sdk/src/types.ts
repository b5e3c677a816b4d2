import type * as C from '@qonduit/contract';
import type { Static } from 'typebox';

// Every request and response type is the contract's schema, as the server checks it: nothing
// here is typed by hand, so the SDK cannot drift from the API.

export type { InputFormat, JobStatus, Role, Scope } from '@qonduit/contract';

type PageOf<T extends Parameters<typeof C.Page>[0]> = Static<ReturnType<typeof C.Page<T>>>;

export type User = Static<typeof C.UserResponse>;
export type SignupRequest = Static<typeof C.SignupBody>;
export type LoginRequest = Static<typeof C.LoginBody>;
export type Authorization = Static<typeof C.AuthorizeResponse>;

export type Token = Static<typeof C.TokenResponse>;
export type NewToken = Static<typeof C.NewTokenResponse>;
export type TokenPage = PageOf<typeof C.TokenResponse>;
export type CreateTokenRequest = Static<typeof C.CreateTokenBody>;
export type RotateTokenRequest = Static<typeof C.RotateTokenBody>;
export type UpdateTokenRequest = Static<typeof C.UpdateTokenBody>;
export type TokenPolicy = Static<typeof C.TokenPolicyResponse>;
export type TokenPolicyRequest = Static<typeof C.SetTokenPolicyBody>;
export type TokenPolicyChange = Static<typeof C.PatchTokenPolicyBody>;
export type PolicyAffectedToken = Static<typeof C.PolicyAffectedToken>;
export type PolicyAffectedTokens = Static<typeof C.PolicyAffectedTokensResponse>;
export type TokenListQuery = Static<typeof C.TokenListQuery>;
export type RevokeLeakedRequest = Static<typeof C.RevokeLeakedBody>;
export type RevokeLeakedResult = Static<typeof C.RevokeLeakedResponse>;

export type PageQuery = Static<typeof C.PageQuery>;
export type Organization = Static<typeof C.OrgResponse>;
export type OrganizationPage = PageOf<typeof C.OrgResponse>;
export type CreateOrganizationRequest = Static<typeof C.CreateOrgBody>;
export type UpdateOrganizationRequest = Static<typeof C.UpdateOrgBody>;
export type Member = Static<typeof C.MemberResponse>;
export type MemberPage = PageOf<typeof C.MemberResponse>;
export type AddMemberRequest = Static<typeof C.AddMemberBody>;
export type UpdateMemberRequest = Static<typeof C.UpdateMemberBody>;
export type Invitation = Static<typeof C.InvitationSummary>;
export type InviteResult = Static<typeof C.InviteResponse>;
export type OrgInvitation = Static<typeof C.OrgInvitation>;
export type OrgInvitationPage = PageOf<typeof C.OrgInvitation>;
export type MyInvitation = Static<typeof C.MyInvitation>;
export type MyInvitationPage = PageOf<typeof C.MyInvitation>;
export type Account = Static<typeof C.MyAccount>;

export type AuditEvent = Static<typeof C.AuditEventResponse>;
export type AuditEventPage = PageOf<typeof C.AuditEventResponse>;
export type AuditEventQuery = Static<typeof C.AuditEventQuery>;

export type Provider = Static<typeof C.ProviderResponse>;
export type ProviderToken = Static<typeof C.ProviderTokenResponse>;
export type ProviderTokenPage = PageOf<typeof C.ProviderTokenResponse>;
export type ProviderTokenVerification = Static<typeof C.VerifyProviderTokenResponse>;
export type Credentials = Static<typeof C.PutProviderTokenBody>['credentials'];

export type Backend = Static<typeof C.BackendResponse>;
export type BackendQuery = Static<typeof C.BackendQuery>;
export type BackendStatus = Static<typeof C.BackendStatusResponse>;
export type Job = Static<typeof C.JobResponse>;
export type SubmitJobRequest = Static<typeof C.SubmitJobBody>;
export type JobListQuery = Static<typeof C.JobListQuery>;
export type JobPage = Static<typeof C.JobPage>;
export type JobStatusAnswer = Static<typeof C.JobStatusResponse>;
export type JobResult = Static<typeof C.JobResultResponse>;
export type JobEstimate = Static<typeof C.EstimateResponse>;
export type CostEstimate = Static<typeof C.CostEstimate>;

export type SpendingLimit = Static<typeof C.SpendingLimitResponse>;
export type SpendingLimitRequest = Static<typeof C.PutSpendingLimitBody>;
export type Usage = Static<typeof C.UsageResponse>;
export type UsageQuery = Static<typeof C.UsageQuery>;

export type TwoFactorStatus = Static<typeof C.TwoFactorStatus>;
export type TotpEnrolment = Static<typeof C.TotpEnrolment>;
export type TotpConfirmed = Static<typeof C.TotpConfirmed>;
export type SecondFactorLoginRequest = Static<typeof C.SecondFactorLoginBody>;
export type ReauthenticateRequest = Static<typeof C.ReauthenticateBody>;
export type MemberCompliance = Static<typeof C.MemberComplianceResponse>;
export type { SecondFactorChallenge } from '@qonduit/contract';
