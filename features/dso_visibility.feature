@faq-10
Feature: What DSOs see of the changes students make
  Changes a student makes in the portal reach SEVIS at once: the event history and the
  downloadable list of student changes show them. SEVP plans to notify DSOs of
  employer and contact changes (announced, not yet in the portal).

  Background:
    Given a logged-in student on post-completion OPT

  @core @rule-student-changes-visible-to-dso
  Scenario Outline: A student's change shows in SEVIS at once
    When <change>
    Then the SEVIS event history shows the student's change made through the portal
    And the downloadable list of student changes shows a "<kind>" change by the student

    Examples:
      | change                                              | kind             |
      | the student changes their phone number              | contact-changed  |
      | the student adds the employer "Birch Analytics"     | employer-added   |

  @future @rule-dso-notified-of-changes
  Scenario: The DSO is notified when a student changes employer
    When the student adds the employer "Birch Analytics"
    Then the DSO receives a notification of the student's change
