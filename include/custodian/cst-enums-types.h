/* cst-enums-types.h — the plain enumerations of the model layer
 *
 * Nicks are the values the database stores, so one table serves the
 * GType system, the SQL parameters and the command line.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum /*< prefix=CST_STATUS >*/
{
  CST_STATUS_RECEIVED,               /*< nick=received >*/
  CST_STATUS_AUTHORIZATION_VERIFIED, /*< nick=authorization_verified >*/
  CST_STATUS_IN_PROGRESS,            /*< nick=in_progress >*/
  CST_STATUS_QUALITY_CHECK,          /*< nick=quality_check >*/
  CST_STATUS_READY,                  /*< nick=ready >*/
  CST_STATUS_RELEASED,               /*< nick=released >*/
  CST_STATUS_DENIED,                 /*< nick=denied >*/
  CST_STATUS_CANCELLED,              /*< nick=cancelled >*/
} CstRequestStatus;

#define CST_N_STATUSES (CST_STATUS_CANCELLED + 1)

typedef enum /*< prefix=CST_REQUESTER >*/
{
  CST_REQUESTER_PATIENT,                 /*< nick=patient >*/
  CST_REQUESTER_PERSONAL_REPRESENTATIVE, /*< nick=personal_representative >*/
  CST_REQUESTER_ATTORNEY,                /*< nick=attorney >*/
  CST_REQUESTER_INSURER,                 /*< nick=insurer >*/
  CST_REQUESTER_PROVIDER,                /*< nick=provider >*/
  CST_REQUESTER_GOVERNMENT_AGENCY,       /*< nick=government_agency >*/
  CST_REQUESTER_OTHER,                   /*< nick=other >*/
  /* The individual directs a copy to a third party (issue 17). */
  CST_REQUESTER_PATIENT_DIRECTIVE,       /*< nick=patient_directive >*/
} CstRequesterKind;

typedef enum /*< prefix=CST_FORMAT >*/
{
  CST_FORMAT_PAPER,          /*< nick=paper >*/
  CST_FORMAT_ELECTRONIC,     /*< nick=electronic >*/
  CST_FORMAT_PORTABLE_MEDIA, /*< nick=portable_media >*/
} CstRecordFormat;

typedef enum /*< prefix=CST_DELIVERY >*/
{
  CST_DELIVERY_MAIL,         /*< nick=mail >*/
  CST_DELIVERY_PICKUP,       /*< nick=pickup >*/
  CST_DELIVERY_SECURE_EMAIL, /*< nick=secure_email >*/
  CST_DELIVERY_PORTAL,       /*< nick=portal >*/
  CST_DELIVERY_FAX,          /*< nick=fax >*/
} CstDeliveryMethod;

/* How close a request is to its legal deadline. */
typedef enum /*< prefix=CST_DUE >*/
{
  CST_DUE_CLOSED,   /*< nick=closed >*/
  CST_DUE_ON_TRACK, /*< nick=on_track >*/
  CST_DUE_SOON,     /*< nick=due_soon >*/
  CST_DUE_OVERDUE,  /*< nick=overdue >*/
  CST_DUE_NO_DEADLINE, /*< nick=no_deadline >*/ /* open, and no law sets a deadline */
} CstDueState;

G_END_DECLS
