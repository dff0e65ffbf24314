/**
 * The wire models Parley ships JSON Schema documents for (`json-schema/<Name>.json`).
 *
 * @internal
 */
import type { Schema } from "effect"
import * as Drift from "../Drift.ts"
import * as Intercom from "../Intercom.ts"

export const jsonSchemaModels: Record<string, Schema.Top> = {
  DriftConversation: Drift.Conversation,
  DriftMessage: Drift.Message,
  DriftContact: Drift.Contact,
  DriftUser: Drift.User,
  DriftThread: Drift.Thread,
  DriftConversationsPage: Drift.ConversationsPage,
  DriftMessagesPage: Drift.MessagesPage,
  DriftConversationResponse: Drift.ConversationResponse,
  DriftContactResponse: Drift.ContactResponse,
  DriftUserResponse: Drift.UserResponse,
  DriftUsersResponse: Drift.UsersResponse,
  DriftConversationStats: Drift.ConversationStats,
  DriftApiErrors: Drift.ApiErrors,
  DriftCreateConversationRequest: Drift.CreateConversationRequest,
  DriftCreateConversationResponse: Drift.CreateConversationResponse,
  DriftCreateMessageRequest: Drift.CreateMessageRequest,
  DriftCreateMessageResponse: Drift.CreateMessageResponse,
  IntercomConversation: Intercom.Conversation,
  IntercomConversationPart: Intercom.ConversationPart,
  IntercomConversationV2: Intercom.ConversationV2
}
