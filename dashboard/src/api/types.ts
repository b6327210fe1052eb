// Names for the generated schema types, so components say `Ticket`, not a path into it.
import type { components } from './schema'

type Schemas = components['schemas']
export type Ticket = Schemas['Ticket']
export type TicketState = Schemas['TicketState']
export type TicketSummary = Schemas['TicketSummary']
export type TicketPage = Schemas['TicketPage']
export type AuditEvent = Schemas['AuditEvent']
export type AuditPage = Schemas['AuditPage']
export type Health = Schemas['Health']
export type Stats = Schemas['Stats']
export type Identity = Schemas['Identity']
export type RealtimeInfo = Schemas['RealtimeInfo']
export type RealtimeMessage = Schemas['RealtimeMessage']
export type ApiErrorBody = Schemas['Error']
export type FieldErrorBody = Schemas['FieldError']
