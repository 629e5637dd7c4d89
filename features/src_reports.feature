@faq-4 @faq-9 @core
Feature: Reporting portal issues to the SRC
  Students and DSOs email the SRC at SEVP@ice.dhs.gov to report portal issues, with
  student names, SEVIS IDs and, if applicable, screenshots.

  Background:
    Given a registered student on post-completion OPT

  @rule-src-report-needs-ids
  Scenario Outline: A report without names or SEVIS IDs is answered, not ticketed
    When the DSO reports a portal issue to the SRC <leaving out>
    Then the SRC asks for the missing <missing>
    And the SRC opens no ticket

    Examples:
      | leaving out                           | missing                      |
      | without the student's name            | student names                |
      | without the SEVIS ID                  | SEVIS IDs                    |
      | without the student's name or SEVIS ID | student names and SEVIS IDs |

  @rule-src-report-opens-ticket
  Scenario Outline: A report with names and SEVIS IDs opens a ticket; screenshots are optional
    When the DSO reports a portal issue to the SRC with the student's name and SEVIS ID <screenshots>
    Then the SRC opens a ticket

    Examples:
      | screenshots           |
      | and a screenshot      |
      | and no screenshot     |

  @rule-src-report-opens-ticket
  Scenario: A student can report an issue to the SRC too
    When the student reports a portal issue to the SRC with their name and SEVIS ID
    Then the SRC opens a ticket
