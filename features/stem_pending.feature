@faq-6 @core @rule-stem-pending-edit
Feature: Employment edits while STEM OPT is pending
  Sometimes an approved STEM OPT extension stays pending in SEVIS. Students can still
  edit their employment information while STEM OPT is pending with USCIS, also once
  the post-completion OPT end date has passed.

  Background:
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    And the student's STEM OPT extension is pending with USCIS

  Scenario: The student edits the job title while STEM OPT is pending
    When the student changes the job title at "Acme Robotics" to "Data Engineer"
    Then the student sees "Data Engineer" as the job title at "Acme Robotics"
    And SEVIS shows "Data Engineer" as the job title at "Acme Robotics"

  Scenario: The student edits employment after the post-completion end date, STEM still pending
    Given the post-completion OPT end date has passed with the student logging in monthly
    When the student changes the job title at "Acme Robotics" to "Senior Data Engineer"
    Then the student sees "Senior Data Engineer" as the job title at "Acme Robotics"
    And SEVIS shows "Senior Data Engineer" as the job title at "Acme Robotics"
